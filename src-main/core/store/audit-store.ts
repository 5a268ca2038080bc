import { AuditQuery, type AuditEntryView, type AuditPage } from '../../../src-shared/ipc/audit-views';
import type { Db } from './database';

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  subject: string;
  detail?: unknown;
  /** The IPAM profile acted for; the store's own profile when not given. */
  profile?: string;
}

/** An export holds at most this many entries: more than an admin reads, less than a renderer chokes on. */
export const MAX_EXPORT_ROWS = 100_000;

interface AuditRow {
  seq: number;
  at: number;
  profile: string;
  actor: string;
  action: string;
  subject: string;
  detail: string | null;
}

/** LIKE with `\` as escape, so an admin's `%` or `_` is searched for as typed. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The audit trail of one profile's database: who did what, when, for which profile. Written inside the
 * caller's transaction (a push and its entry are stored together); read by search, newest first.
 */
export class AuditStore {
  private readonly insert;
  private readonly all;

  constructor(
    private readonly db: Db,
    private readonly profile: string,
  ) {
    this.insert = db.prepare(
      'INSERT INTO audit (at, profile, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.all = db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq');
  }

  record(entry: AuditEntry): void {
    this.insert.run(
      entry.at,
      entry.profile ?? this.profile,
      entry.actor,
      entry.action,
      entry.subject,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
    );
  }

  /** Every entry, oldest first, details parsed. */
  trail(): AuditEntry[] {
    return this.all.all().map((r) => ({
      at: r.at,
      profile: r.profile,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) as unknown }),
    }));
  }

  /** One page of the entries the query matches, newest first, with the number matching in all. */
  search(query: AuditQuery): AuditPage {
    const q = AuditQuery.parse(query);
    const { where, params } = this.where(q);
    const total = this.db
      .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM audit ${where}`)
      .get(...params);
    const entries = this.db
      .prepare<unknown[], AuditRow>(`SELECT * FROM audit ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...params, q.limit, q.offset);
    return { entries: entries.map(view), total: total?.n ?? 0 };
  }

  /** Every entry the query matches (paging ignored, at most MAX_EXPORT_ROWS), newest first, as CSV. */
  exportCsv(query: AuditQuery): string {
    const q = AuditQuery.parse(query);
    const { where, params } = this.where(q);
    const rows = this.db
      .prepare<unknown[], AuditRow>(`SELECT * FROM audit ${where} ORDER BY seq DESC LIMIT ?`)
      .all(...params, MAX_EXPORT_ROWS);
    return auditCsv(rows.map(view));
  }

  private where(q: ReturnType<typeof AuditQuery.parse>): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.text) {
      clauses.push(
        "(actor LIKE ? ESCAPE '\\' OR action LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\')",
      );
      params.push(...Array<string>(4).fill(likePattern(q.text)));
    }
    if (q.action) {
      clauses.push('action = ?');
      params.push(q.action);
    }
    if (q.from !== undefined) {
      clauses.push('at >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      clauses.push('at < ?');
      params.push(q.to);
    }
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }
}

const view = (r: AuditRow): AuditEntryView => ({
  seq: r.seq,
  at: r.at,
  profile: r.profile,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  detail: r.detail,
});

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. A cell a
 * spreadsheet would run as a formula (= + - @, or a tab or CR that some strip first) gets a leading
 * apostrophe: an actor or a zone name must never become a formula on the admin's machine.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const auditCsvHeader = ['time', 'profile', 'actor', 'action', 'subject', 'detail'] as const;

/** The entries as CSV with a header row, CRLF line ends, times in ISO 8601 UTC. */
export function auditCsv(entries: readonly AuditEntryView[]): string {
  const lines = [auditCsvHeader.join(',')];
  for (const e of entries) {
    lines.push(
      [new Date(e.at).toISOString(), e.profile, e.actor, e.action, e.subject, e.detail ?? '']
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
