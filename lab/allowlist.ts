import { z } from 'zod';
import { RemoteId } from '../src-shared/protocol/ids';
import { consoleRoles, lesserRole, roleGroup, type ConsoleRole } from '../src-shared/roles/roles';

/**
 * The broker's certificate allowlist, as two JAAS properties files the lab owns:
 * users.properties maps each name to its certificate's subject DN, groups.properties puts each name
 * in the consoles or the remotes group, and each console in its role's group (docs/roles.md). Pure
 * functions; lab.ts does the file I/O under a lock.
 */
export type Role = 'consoles' | 'remotes';
export interface Allowlist {
  consoles: ReadonlySet<string>;
  remotes: ReadonlySet<string>;
  /** Each console's role; a console missing here is in no role group, and the broker lets it change nothing. */
  roles: ReadonlyMap<string, ConsoleRole>;
}

export const labOrganization = 'SMT Lab';

/** The DN exactly as Java's X509Certificate.getSubjectDN().getName() prints it, which JAAS compares verbatim. */
export function subjectDn(name: string, role: Role): string {
  return `CN=${name}, OU=${role}, O=${labOrganization}`;
}

/** The same subject for `openssl req -subj` (most significant RDN first, the reverse of Java's order). */
export function opensslSubject(name: string, role: Role): string {
  return `/O=${labOrganization}/OU=${role}/CN=${name}`;
}

const header = (what: string) =>
  `# Managed by the SMT lab (npm run lab -- provision|revoke); ${what}.\n` +
  '# Replaced atomically (temp file + rename): never edit it in place while brokers run.\n';

export function renderUsers(allow: Allowlist): string {
  const lines = [...allow.consoles]
    .sort()
    .map((n) => `${n}=${subjectDn(n, 'consoles')}`)
    .concat([...allow.remotes].sort().map((n) => `${n}=${subjectDn(n, 'remotes')}`));
  return `${header('name=certificate subject DN')}${lines.join('\n')}\n`;
}

export function renderGroups(allow: Allowlist): string {
  const members = (role: ConsoleRole) =>
    [...allow.consoles]
      .filter((c) => allow.roles.get(c) === role)
      .sort()
      .join(',');
  return (
    `${header('group=comma-separated names')}` +
    `consoles=${[...allow.consoles].sort().join(',')}\n` +
    `remotes=${[...allow.remotes].sort().join(',')}\n` +
    consoleRoles.map((role) => `${roleGroup[role]}=${members(role)}\n`).join('')
  );
}

/**
 * Each console's role from a groups.properties the lab wrote: a name in two role groups gets the lesser,
 * as the broker gives it. Other lines (consoles, remotes) are users.properties' business.
 */
export function parseRoles(text: string): Map<string, ConsoleRole> {
  const roles = new Map<string, ConsoleRole>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line.startsWith('#') || eq < 0) continue;
    const role = consoleRoles.find((r) => roleGroup[r] === line.slice(0, eq).trim());
    if (role === undefined) continue;
    for (const name of line.slice(eq + 1).split(',')) {
      const n = name.trim();
      if (n === '') continue;
      const had = roles.get(n);
      roles.set(n, had === undefined ? role : lesserRole(had, role));
    }
  }
  return roles;
}

const UserLine = z.tuple([RemoteId, z.string()]).transform(([name, dn], ctx) => {
  const role = (['consoles', 'remotes'] as const).find((r) => dn === subjectDn(name, r));
  if (!role) {
    ctx.addIssue({
      code: 'custom',
      message: `DN of ${name} must be "${subjectDn(name, 'remotes')}" or "${subjectDn(name, 'consoles')}", got "${dn}"`,
    });
    return z.NEVER;
  }
  return { name, role };
});

/** Parses a users.properties the lab wrote; anything else is reported line by line, never guessed at. */
export function parseUsers(text: string, file = 'users.properties'): Omit<Allowlist, 'roles'> {
  const consoles = new Set<string>();
  const remotes = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const parsed = UserLine.safeParse(eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)]);
    if (!parsed.success) {
      throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
    }
    (parsed.data.role === 'consoles' ? consoles : remotes).add(parsed.data.name);
  });
  return { consoles, remotes };
}

export function withRemotes(
  allow: Allowlist,
  add: readonly string[],
  remove: readonly string[] = [],
): Allowlist {
  const remotes = new Set(allow.remotes);
  for (const r of add) remotes.add(r);
  for (const r of remove) remotes.delete(r);
  return { ...allow, remotes };
}
