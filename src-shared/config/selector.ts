import { z } from 'zod';
import { RemoteId } from '../protocol/ids';

/** A remote's free label as its agent announces it (`site:ams`, `role:dns`, `env:lab`). */
export const Tag = z.string().min(1, 'a tag cannot be empty').max(64, 'a tag is at most 64 characters');

/** The capabilities a push can need: a zone goes to DNS remotes, a scope to DHCPv4 remotes. */
export const PushCapability = z.enum(['dns', 'dhcp4']);

/** A shell-style pattern for host names: `*` any run of characters, `?` one. */
export const HostnameGlob = z
  .string()
  .min(1, 'a host name pattern cannot be empty')
  .max(253, 'a host name pattern is at most 253 characters')
  .regex(/^[A-Za-z0-9.*?_-]+$/, 'a host name pattern holds letters, digits, ".", "-", "_", "*" and "?"');

const Tags = z.array(Tag).max(64, 'at most 64 tags');

/**
 * Which remotes a push goes to. `tags` take all of `all` and at least one of `any`; a `filter` holds all of
 * its conditions (tags among them, so that `tag:site=ams+cap:dns` has a form).
 */
export const TargetSelector = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ids'),
    ids: z.array(RemoteId).min(1, 'name at least one remote').max(100_000),
  }),
  z
    .object({ kind: z.literal('tags'), all: Tags.optional(), any: Tags.optional() })
    .refine((s) => (s.all?.length ?? 0) + (s.any?.length ?? 0) > 0, 'name at least one tag'),
  z.object({
    kind: z.literal('filter'),
    /** `offline` is every remote not known to be online, including those not heard of since the start. */
    status: z.enum(['online', 'offline', 'any']).default('any'),
    capabilities: z.array(PushCapability).max(2).optional(),
    hostname: HostnameGlob.optional(),
    tags: Tags.optional(),
  }),
]);
export type TargetSelector = z.infer<typeof TargetSelector>;

/** What selection needs to know of a remote; the fleet's RemoteView and hello carry all of it. */
export interface SelectableRemote {
  id: string;
  tags: readonly string[];
  capabilities: readonly string[];
  status: 'online' | 'offline' | 'unknown';
  hostname: string;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/\.$/, '')
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`, 'i');
}

function matcher(selector: TargetSelector): (r: SelectableRemote) => boolean {
  switch (selector.kind) {
    case 'ids': {
      const ids = new Set(selector.ids);
      return (r) => ids.has(r.id);
    }
    case 'tags': {
      const { all = [], any = [] } = selector;
      return (r) =>
        all.every((t) => r.tags.includes(t)) && (any.length === 0 || any.some((t) => r.tags.includes(t)));
    }
    case 'filter': {
      const { status, capabilities = [], hostname, tags = [] } = selector;
      const host = hostname === undefined ? undefined : globToRegExp(hostname);
      return (r) =>
        (status === 'any' || (status === 'online') === (r.status === 'online')) &&
        capabilities.every((c) => r.capabilities.includes(c)) &&
        tags.every((t) => r.tags.includes(t)) &&
        (host === undefined || host.test(r.hostname.replace(/\.$/, '')));
    }
  }
}

/** Compared by code unit, not locale, so every host orders a push's targets alike. */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The ids of the remotes a selector picks out of the known fleet, each once, in id order. */
export function selectRemotes(selector: TargetSelector, remotes: readonly SelectableRemote[]): RemoteId[] {
  const matches = matcher(selector);
  return [...new Set(remotes.filter(matches).map((r) => r.id))].sort(byId);
}

/** The ids a selector names that the fleet does not know (only an `ids` selector names any), in id order. */
export function unknownIds(selector: TargetSelector, remotes: readonly SelectableRemote[]): RemoteId[] {
  if (selector.kind !== 'ids') return [];
  const known = new Set(remotes.map((r) => r.id));
  return [...new Set(selector.ids.filter((id) => !known.has(id)))].sort(byId);
}

export const selectorSyntax = `--to takes remote ids, or terms joined by "," (any of) or "+" (all of):
  r-0001,r-0002          these remotes
  tag:site=ams           remotes tagged site:ams (tag:LABEL matches the tag LABEL as it is)
  tag:site=ams,tag:site=fra   tagged with either
  tag:role=dns+tag:site=ams   tagged with both
  cap:dns | cap:dhcp4    remotes with that capability
  host:ns*.ams.example   host names matching the pattern (* and ?)
  online | offline       by status (offline: every remote not known to be online)
  all                    every remote
e.g. --to cap:dns+tag:site=ams+online`;

/** A mistake in `--to`; its message names the term. The CLI prints selectorSyntax after it. */
export class SelectorSyntaxError extends Error {
  override name = 'SelectorSyntaxError';
}

type Term =
  | { kind: 'id'; id: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'cap'; cap: z.infer<typeof PushCapability> }
  | { kind: 'host'; glob: string }
  | { kind: 'status'; status: 'online' | 'offline' }
  | { kind: 'all' };

function parseTerm(term: string): Term {
  const bad = (why: string) => new SelectorSyntaxError(`"${term}": ${why}`);
  if (term === 'all') return { kind: 'all' };
  if (term === 'online' || term === 'offline') return { kind: 'status', status: term };
  const colon = term.indexOf(':');
  if (colon < 0) {
    if (!RemoteId.safeParse(term).success) {
      throw bad('not a remote id (a-z, 0-9 and "-"), nor all, online or offline');
    }
    return { kind: 'id', id: term };
  }
  const [prefix, rest] = [term.slice(0, colon), term.slice(colon + 1)];
  switch (prefix) {
    case 'tag': {
      const eq = rest.indexOf('=');
      if (eq === 0 || (eq > 0 && eq === rest.length - 1))
        throw bad('a tag term is tag:KEY=VALUE or tag:LABEL');
      const parsed = Tag.safeParse(eq < 0 ? rest : `${rest.slice(0, eq)}:${rest.slice(eq + 1)}`);
      if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? 'not a tag');
      return { kind: 'tag', tag: parsed.data };
    }
    case 'cap': {
      const parsed = PushCapability.safeParse(rest);
      if (!parsed.success) throw bad('a capability is dns or dhcp4');
      return { kind: 'cap', cap: parsed.data };
    }
    case 'host': {
      const parsed = HostnameGlob.safeParse(rest);
      if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? 'not a host name pattern');
      return { kind: 'host', glob: parsed.data };
    }
    default:
      throw bad(`unknown prefix "${prefix}:"; use tag:, cap: or host:`);
  }
}

/** Parses the `--to` argument of `smt push`; a mistake throws a SelectorSyntaxError naming the term. */
export function parseSelector(text: string): TargetSelector {
  const spec = text.trim();
  if (spec === '') throw new SelectorSyntaxError('--to is empty: name remote ids, tags, a capability or all');
  if (spec.includes(',') && spec.includes('+')) {
    throw new SelectorSyntaxError(
      `"${spec}" mixes "," (any of) and "+" (all of); use one of them, or push twice`,
    );
  }
  const joiner = spec.includes('+') ? '+' : ',';
  const terms = spec.split(joiner).map((t, i, all) => {
    const term = t.trim();
    if (term === '') {
      throw new SelectorSyntaxError(
        `"${spec}" has an empty term ${i === 0 ? 'at the start' : i === all.length - 1 ? 'at the end' : `after "${all[i - 1]?.trim()}"`}`,
      );
    }
    return parseTerm(term);
  });

  const ids = terms.flatMap((t) => (t.kind === 'id' ? [t.id] : []));
  if (ids.length > 0) {
    if (ids.length < terms.length) {
      throw new SelectorSyntaxError(
        `"${spec}" mixes remote ids with other terms; name the remotes alone, or select by tag:, cap:, host: or status`,
      );
    }
    if (joiner === '+') throw new SelectorSyntaxError(`"${spec}": join remote ids with ",", not "+"`);
    return { kind: 'ids', ids: [...new Set(ids)] };
  }
  if (terms.some((t) => t.kind === 'all') && terms.length > 1) {
    throw new SelectorSyntaxError(`"${spec}": all stands alone; drop it to narrow the selection`);
  }

  const tags = [...new Set(terms.flatMap((t) => (t.kind === 'tag' ? [t.tag] : [])))];
  const anyOf = joiner === ',' && terms.length > 1;
  if (tags.length === terms.length) return anyOf ? { kind: 'tags', any: tags } : { kind: 'tags', all: tags };
  if (anyOf) {
    throw new SelectorSyntaxError(
      `"${spec}": "," (any of) joins remote ids or tags only; use "+" to require several conditions`,
    );
  }

  const statuses = [...new Set(terms.flatMap((t) => (t.kind === 'status' ? [t.status] : [])))];
  if (statuses.length > 1)
    throw new SelectorSyntaxError(`"${spec}": a remote cannot be both online and offline`);
  const globs = [...new Set(terms.flatMap((t) => (t.kind === 'host' ? [t.glob] : [])))];
  if (globs.length > 1)
    throw new SelectorSyntaxError(`"${spec}": give one host: pattern (a host has one name)`);
  const caps = [...new Set(terms.flatMap((t) => (t.kind === 'cap' ? [t.cap] : [])))];
  return {
    kind: 'filter',
    status: statuses[0] ?? 'any',
    ...(caps.length > 0 && { capabilities: caps }),
    ...(globs[0] !== undefined && { hostname: globs[0] }),
    ...(tags.length > 0 && { tags }),
  };
}
