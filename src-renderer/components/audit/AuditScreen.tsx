import { useCallback, useEffect, useState } from 'react';
import { auditActions, type AuditEntryView } from '../../../src-shared/ipc/audit-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatClock } from '../../format';
import { downloadText } from './download';
import { describeDetail, pushIdOf } from './detail';

const PAGE = 100;
const ranges = [
  { key: 'any', label: 'Any time', ms: null },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
type RangeKey = (typeof ranges)[number]['key'];

/** The filter as the console takes it; the time range counts back from now at each ask. */
function queryOf(text: string, action: string, range: RangeKey, offset: number) {
  const ms = ranges.find((r) => r.key === range)?.ms ?? null;
  return {
    ...(text.trim() ? { text: text.trim() } : {}),
    ...(action ? { action } : {}),
    ...(ms === null ? {} : { from: Date.now() - ms }),
    offset,
    limit: PAGE,
  };
}

function Row({ e }: { e: AuditEntryView }) {
  const pushId = pushIdOf(e);
  return (
    <tr data-action={e.action}>
      <td className="num nowrap">
        <time dateTime={new Date(e.at).toISOString()} title={new Date(e.at).toISOString()}>
          {new Date(e.at).toLocaleDateString()} {formatClock(e.at)}
        </time>
      </td>
      <td>{e.profile || <span className="faint">–</span>}</td>
      <td>{e.actor}</td>
      <td>
        <span className={`badge action-${e.action}`}>{e.action}</span>
      </td>
      <td className="mono">
        {pushId ? (
          <a href={`#/push/${encodeURIComponent(pushId)}`} title="Open this push">
            {e.subject}
          </a>
        ) : (
          e.subject
        )}
      </td>
      <td className="detail">{describeDetail(e.detail)}</td>
    </tr>
  );
}

/** Everything done through the console, who did it and for which profile: searchable, exportable. */
export function AuditScreen() {
  const api = useApi();
  const [text, setText] = useState('');
  const [typed, setTyped] = useState('');
  const [action, setAction] = useState('');
  const [range, setRange] = useState<RangeKey>('any');
  const [offset, setOffset] = useState(0);
  const [exporting, setExporting] = useState<string | null>(null);

  // Typing searches once the admin pauses, not at every key.
  useEffect(() => {
    const t = setTimeout(() => setText(typed), 250);
    return () => clearTimeout(t);
  }, [typed]);
  useEffect(() => setOffset(0), [text, action, range]);

  const read = useCallback(
    () => api.queryAudit(queryOf(text, action, range, offset)),
    [api, text, action, range, offset],
  );
  const { value: page, error } = useLoad(read, { everyMs: 10_000 });

  const exportCsv = async () => {
    setExporting('Exporting…');
    const r = await api.exportAuditCsv(queryOf(text, action, range, 0));
    if (r.ok) {
      downloadText(r.value.filename, r.value.csv, 'text/csv;charset=utf-8');
      setExporting(`Saved ${r.value.filename}`);
    } else setExporting(`Export failed: ${r.error.message} Try again, or narrow the search.`);
  };

  const total = page?.total ?? 0;
  return (
    <main className="screen audit" aria-label="Audit">
      <header className="screen-head">
        <h1 className="title">Audit</h1>
        <span className="muted">
          Every push, command, cancel, retry, expiry and profile change, newest first
        </span>
      </header>
      <div className="toolbar">
        <label className="search">
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M7 2a5 5 0 013.9 8.1l3 3-1 1-3-3A5 5 0 117 2zm0 1.5a3.5 3.5 0 100 7 3.5 3.5 0 000-7z" />
          </svg>
          <input
            type="search"
            aria-label="Search the audit trail"
            placeholder="Search who, what, subject, details"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        <select
          aria-label="Action"
          className="select"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        >
          <option value="">All actions</option>
          {auditActions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <select
          aria-label="Time range"
          className="select"
          value={range}
          onChange={(e) => setRange(e.target.value as RangeKey)}
        >
          {ranges.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
        <span className="toolbar-spacer" />
        <span className="muted num" role="status" aria-label="Matching entries">
          {page === null
            ? ''
            : total === 0
              ? 'no entries'
              : `${offset + 1}–${offset + page.entries.length} of ${total}`}
        </span>
        <button type="button" className="button" onClick={() => void exportCsv()} disabled={total === 0}>
          Export CSV
        </button>
      </div>
      {exporting && (
        <p className="muted" role="status" aria-label="Export">
          {exporting}
        </p>
      )}
      {error && (
        <p className="notice tone-warn" role="alert">
          Could not read the audit trail: {error} It refreshes by itself every 10 s.
        </p>
      )}
      <section className="panel">
        {page === null ? (
          <p className="muted">Loading…</p>
        ) : page.entries.length === 0 ? (
          <p className="empty" role="status">
            {text || action || range !== 'any'
              ? 'Nothing matches: clear the search or pick a wider time range.'
              : 'Nothing audited yet: pushes, commands and profile changes show here.'}
          </p>
        ) : (
          <table className="grid audit-table" aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Profile</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <Row key={e.seq} e={e} />
              ))}
            </tbody>
          </table>
        )}
        {total > PAGE && (
          <div className="pager">
            <button
              type="button"
              className="button small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer
            </button>
            <button
              type="button"
              className="button small"
              disabled={offset + PAGE >= total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Older
            </button>
          </div>
        )}
      </section>
    </main>
  );
}
