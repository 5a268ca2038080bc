/**
 * Who may connect: admitting remotes and extra consoles (certificate + allowlist), revoking them, and the
 * identities simulated and test remotes connect with. The brokers read the allowlist at each login.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RemoteIdentity, type TlsFiles } from '../src-shared/profile';
import { RemoteId } from '../src-shared/protocol/ids';
import { withRemotes, type Role } from './allowlist';
import { readAllowlist, writeAllowlist } from './allowlist-files';
import { withLock } from './lock';
import { ConsoleRole } from '../src-shared/roles/roles';
import { layoutOf, type LabOptions } from './paths';
import { issueClientCerts, labConsoleId } from './pki';
import { labEndpoints, prepare } from './prepare';
import { requireState } from './state';

function parseRemoteIds(rids: readonly string[]): string[] {
  const bad = rids.flatMap((rid) => {
    const r = RemoteId.safeParse(rid);
    return r.success ? [] : [`"${rid}": ${r.error.issues.map((i) => i.message).join('; ')}`];
  });
  if (bad.length) throw new Error(`invalid remote id${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}`);
  if (rids.includes(labConsoleId))
    throw new Error(`"${labConsoleId}" is the lab console's name, not a remote id`);
  return [...new Set(rids)];
}

async function fileExists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

/** How provision issues certificates. */
export interface ProvisionCerts {
  /**
   * Validity in days (1-3650) of the certificates issued; given, every listed remote gets a new one even
   * if it has one (a short-lived certificate for the cert-expiry alert's tests). Default: only missing
   * certificates are issued, valid CLIENT_CERT_DAYS (825).
   */
  days?: number;
}

/**
 * Admits remotes: issues the certificates that are missing (in parallel), then adds every name to
 * users.properties and groups.properties in one atomic write each. The brokers pick it up at the next
 * login, without a restart. With `certs.days`, every listed remote's certificate is issued anew with that
 * validity; a connected agent keeps presenting its old one until it restarts.
 */
export async function provision(
  rids: string[],
  opts?: LabOptions,
  certs: ProvisionCerts = {},
): Promise<void> {
  const ids = parseRemoteIds(rids);
  const days = certs.days;
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) {
    // An expired or not-yet-valid certificate is issueFlawedCert's; the broker refuses those anyway.
    throw new Error(`provision: days must be a whole number from 1 to 3650, got ${days}`);
  }
  if (ids.length === 0) return;
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  await withLock(layout.lockFile, async () => {
    await prepare(layout);
    const toIssue: string[] = [];
    for (const rid of ids) {
      if (
        days !== undefined ||
        !(await fileExists(layout.remoteCrt(rid))) ||
        !(await fileExists(layout.remoteKey(rid)))
      )
        toIssue.push(rid);
    }
    await issueClientCerts(
      layout,
      toIssue.map((name) => ({
        name,
        role: 'remotes' as Role,
        crt: layout.remoteCrt(name),
        key: layout.remoteKey(name),
      })),
      days,
    );
    const allow = await readAllowlist(layout);
    if (ids.some((rid) => !allow.remotes.has(rid))) {
      await writeAllowlist(layout, withRemotes(allow, ids), 'add');
    }
  });
}

/**
 * Admits an extra console identity (CN=<name>, OU=consoles) beside the lab console, issuing its
 * certificate under pki/consoles/ when missing: for tests of what a console's certificate may do and of
 * revoking one. Its key is plain, unlike the lab console's: a test identity, never a console profile.
 * `role` (docs/roles.md) is written each time: provisioning an admitted console again changes its role,
 * which the brokers apply to its live sessions within a sweep (about a second).
 */
export async function provisionConsole(
  name: string,
  opts?: LabOptions,
  role: ConsoleRole = 'operator',
): Promise<TlsFiles> {
  const [id] = parseRemoteIds([name]) as [string];
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  return withLock(layout.lockFile, async () => {
    await prepare(layout);
    const files = {
      caFile: layout.caCrt,
      certFile: layout.extraConsoleCrt(id),
      keyFile: layout.extraConsoleKey(id),
    };
    const allow = await readAllowlist(layout);
    if (allow.remotes.has(id)) throw new Error(`${id} is provisioned as a remote in ${layout.dir}`);
    if (!(await fileExists(files.certFile)) || !(await fileExists(files.keyFile))) {
      await mkdir(dirname(files.certFile), { recursive: true, mode: 0o700 });
      await issueClientCerts(layout, [
        { name: id, role: 'consoles', crt: files.certFile, key: files.keyFile },
      ]);
    }
    if (!allow.consoles.has(id) || allow.roles.get(id) !== role) {
      await writeAllowlist(
        layout,
        {
          consoles: new Set([...allow.consoles, id]),
          remotes: allow.remotes,
          roles: new Map([...allow.roles, [id, ConsoleRole.parse(role)]]),
        },
        'add',
      );
    }
    return files;
  });
}

/**
 * Removes a remote, or an extra console, from the allowlist. New logins fail at once; the identity plugin
 * closes its live connections within about a second. Its certificate files stay, so provisioning it again
 * re-admits it. The lab console itself is not revocable here: every up and provision admits it again.
 */
export async function revoke(name: string, opts?: LabOptions): Promise<void> {
  const [id] = parseRemoteIds([name]) as [string];
  const layout = layoutOf(opts);
  await requireState(layout);
  await withLock(layout.lockFile, async () => {
    const allow = await readAllowlist(layout);
    if (allow.remotes.has(id)) {
      await writeAllowlist(layout, withRemotes(allow, [], [id]), 'remove');
    } else if (allow.consoles.has(id)) {
      const consoles = new Set(allow.consoles);
      consoles.delete(id);
      const roles = new Map(allow.roles);
      roles.delete(id);
      await writeAllowlist(layout, { consoles, remotes: allow.remotes, roles }, 'remove');
    } else {
      throw new Error(`${id} is not provisioned in ${layout.dir}`);
    }
  });
}

/** Remote ids currently in the allowlist, sorted. */
export async function provisionedRemotes(opts?: LabOptions): Promise<string[]> {
  return [...(await readAllowlist(layoutOf(opts))).remotes].sort();
}

/**
 * Identities for many remotes, provisioning the missing ones in one batch (what a simulator of N remotes
 * wants). With provision:false nothing is written, and only a missing certificate is an error: a revoked
 * remote still gets its identity, so tests can watch the broker refuse it.
 */
export async function remoteIdentities(
  rids: string[],
  opts?: LabOptions & { provision?: boolean },
): Promise<RemoteIdentity[]> {
  const ids = parseRemoteIds(rids);
  const layout = layoutOf(opts);
  const allow = await readAllowlist(layout);
  const unready: string[] = [];
  for (const rid of ids) {
    if (!allow.remotes.has(rid) || !(await fileExists(layout.remoteCrt(rid)))) unready.push(rid);
  }
  if (unready.length > 0) {
    if (opts?.provision === false) {
      const noCert: string[] = [];
      for (const rid of unready) if (!(await fileExists(layout.remoteCrt(rid)))) noCert.push(rid);
      if (noCert.length > 0) throw new Error(`not provisioned in ${layout.dir}: ${noCert.join(', ')}`);
    } else {
      await provision(unready, opts);
    }
  }
  const state = await requireState(layout);
  return ids.map((remoteId) =>
    RemoteIdentity.parse({
      remoteId,
      brokers: labEndpoints(state),
      tls: {
        caFile: layout.caCrt,
        certFile: layout.remoteCrt(remoteId),
        keyFile: layout.remoteKey(remoteId),
      },
    }),
  );
}

export async function remoteIdentity(
  rid: string,
  opts?: LabOptions & { provision?: boolean },
): Promise<RemoteIdentity> {
  const [identity] = await remoteIdentities([rid], opts);
  return identity as RemoteIdentity;
}
