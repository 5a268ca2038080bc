import type { AuditEntryView } from '../../../src-shared/ipc/audit-views';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pushActions = new Set(['push', 'cancel', 'retry', 'expire']);

/** The push an entry is about, when it is one (its subject is the push id). */
export const pushIdOf = (e: AuditEntryView): string | null =>
  pushActions.has(e.action) && uuid.test(e.subject) ? e.subject : null;

function flat(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(flat).join(', ');
  const o = v as Record<string, unknown>;
  // A config object: "zone example.test", "scope 192.0.2.0/24".
  if (typeof o.kind === 'string' && (typeof o.name === 'string' || typeof o.subnet === 'string')) {
    return `${o.kind} ${String(o.name ?? o.subnet)}`;
  }
  return Object.entries(o)
    .map(([k, x]) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? flat(x) : `${k} ${flat(x)}`))
    .join(', ');
}

/** An entry's details as an admin reads them: "remotes 2, applied 1", not JSON. */
export function describeDetail(detail: string | null): string {
  if (detail === null) return '';
  try {
    return flat(JSON.parse(detail) as unknown);
  } catch {
    return detail;
  }
}
