import type { RemoteView } from '../../src-shared/ipc';
import type { DownFilter, SortKey, SortOrder, StatusFilter } from './fleet-slice';

const statusRank: Record<RemoteView['status'], number> = { online: 0, unknown: 1, offline: 2 };

/** IPv4 octets padded so that 10.0.0.9 sorts before 10.0.0.10; anything else sorts as text. */
function ipKey(ip: string | undefined): string | null {
  if (ip === undefined) return null;
  const v4 = ip.split('.');
  return v4.length === 4 ? v4.map((o) => o.padStart(3, '0')).join('.') : ip.toLowerCase();
}

function sortValue(r: RemoteView, key: SortKey): string | number | null {
  switch (key) {
    case 'id':
      return r.id;
    case 'hostname':
      return r.hostname.toLowerCase();
    case 'ip':
      return ipKey(r.ips[0]);
    case 'status':
      return statusRank[r.status];
    case 'cpu':
      return r.cpuPct;
    case 'mem':
      return r.memPct;
    case 'disk':
      return r.diskPct;
    case 'processes':
      // The remotes with services down come first in descending order: that is what an admin looks for.
      return r.processes.filter((p) => !p.running).length;
    case 'lastSeen':
      // Ascending means most recently seen first, as the column shows an age.
      return r.lastSeen === null ? null : -r.lastSeen;
  }
}

/** Code-point order: ids, host names and IPs are ASCII, and localeCompare costs 10× more on 10,000 rows. */
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function matchesQuery(r: RemoteView, terms: readonly string[]): boolean {
  return terms.every(
    (t) => r.id.includes(t) || r.hostname.toLowerCase().includes(t) || r.ips.some((ip) => ip.includes(t)),
  );
}

export const queryTerms = (query: string) => query.toLowerCase().split(/\s+/).filter(Boolean);

export interface ExtraFilters {
  tag?: string | null;
  down?: DownFilter;
}

/** A remote that runs the service and has it stopped (one without it is not "named down"). */
const isDown = (r: RemoteView, service: NonNullable<DownFilter>) =>
  r.processes.some((p) => p.name === service && !p.running);

/**
 * Every remote sorted by one column with the id as tie-break; rows without a value sort last either way.
 * Kept apart from the filters so a keystroke filters an already sorted list instead of sorting again.
 */
export function sortedRemotes(remotes: ReadonlyMap<string, RemoteView>, sort: SortOrder): RemoteView[] {
  const rows: { r: RemoteView; v: string | number | null }[] = [];
  for (const r of remotes.values()) rows.push({ r, v: sortValue(r, sort.key) });
  const sign = sort.dir === 'asc' ? 1 : -1;
  rows.sort((x, y) => {
    if (x.v === null || y.v === null) {
      if (x.v !== y.v) return x.v === null ? 1 : -1;
    } else {
      const c = compare(x.v, y.v);
      if (c !== 0) return sign * c;
    }
    return x.r.id < y.r.id ? -1 : x.r.id > y.r.id ? 1 : 0;
  });
  return rows.map((x) => x.r);
}

/**
 * The rows of a sorted list that the search terms (each must match the id, hostname or an IP), the status,
 * a tag and a service that is down let through, in the list's order.
 */
export function filterRemotes(
  sorted: readonly RemoteView[],
  query: string,
  status: StatusFilter,
  { tag = null, down = null }: ExtraFilters = {},
): RemoteView[] {
  const terms = queryTerms(query);
  return sorted.filter(
    (r) =>
      (status === 'all' || r.status === status) &&
      (tag === null || r.tags.includes(tag)) &&
      (down === null || isDown(r, down)) &&
      (terms.length === 0 || matchesQuery(r, terms)),
  );
}

/** Every tag the fleet announces, sorted, for the tag filter's choices. */
export function fleetTags(remotes: ReadonlyMap<string, RemoteView>): string[] {
  const tags = new Set<string>();
  for (const r of remotes.values()) for (const t of r.tags) tags.add(t);
  return [...tags].sort();
}
