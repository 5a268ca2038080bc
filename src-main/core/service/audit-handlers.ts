import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/** `smt-audit-<profile>-<UTC time>.csv`: the name says what and when, and sorts by time. */
const csvName = (profile: string, at: number) =>
  `smt-audit-${profile.replace(/[^A-Za-z0-9._-]/g, '_') || 'console'}-${new Date(at)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '')}.csv`;

export const auditHandlers = (
  session: () => ProfileSession,
  now: () => number,
): HandlersOf<'queryAudit' | 'exportAuditCsv'> => ({
  queryAudit: (filter) => session().push.store.auditLog.search(filter),
  exportAuditCsv: (filter) => {
    const s = session();
    return { filename: csvName(s.name, now()), csv: s.push.store.auditLog.exportCsv(filter) };
  },
});
