import type { ServedRecord } from '../../../src-shared/config/zone-records';
import type { TableSort } from '../objects/VirtualTable';

export const RECORD_COLUMNS = [
  { label: 'Name' },
  { label: 'TTL', numeric: true },
  { label: 'Class' },
  { label: 'Type' },
  { label: 'Data' },
] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number]['label'];

/** DNS names sort by their labels from the right (RFC 4034 §6.1), so a subtree stays together. */
const nameKey = (name: string) => name.toLowerCase().split('.').reverse().join('\u0000');

const compareBy: Record<RecordColumn, (a: ServedRecord, b: ServedRecord) => number> = {
  Name: (a, b) => (nameKey(a.name) < nameKey(b.name) ? -1 : nameKey(a.name) > nameKey(b.name) ? 1 : 0),
  TTL: (a, b) => a.ttl - b.ttl,
  Class: (a, b) => a.class.localeCompare(b.class),
  Type: (a, b) => a.type.localeCompare(b.type),
  Data: (a, b) => a.data.localeCompare(b.data),
};

/**
 * The records a search and an order show: the search matches name, type and data (case-insensitively);
 * ties keep the file's order, so records with the same name read as the zone file lists them.
 */
export function visibleRecords(
  records: readonly ServedRecord[],
  search: string,
  sort: TableSort | null,
): ServedRecord[] {
  const q = search.trim().toLowerCase();
  const shown = q
    ? records.filter((r) => `${r.name} ${r.type} ${r.data}`.toLowerCase().includes(q))
    : [...records];
  const compare = sort ? compareBy[sort.column as RecordColumn] : undefined;
  if (!sort || !compare) return shown;
  const dir = sort.dir === 'asc' ? 1 : -1;
  return shown.sort((a, b) => dir * compare(a, b) || a.line - b.line);
}

/** A click on a header: that column ascending, or the other way when it already sorts by it. */
export const nextSort = (sort: TableSort | null, column: string): TableSort =>
  sort?.column === column ? { column, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'asc' };
