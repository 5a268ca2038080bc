import { useCallback, useState } from 'react';
import type { BrokerHealth } from '../../../src-shared/broker/health';
import {
  STUCK_AFTER_MS,
  type BrokerPathView,
  type QueueDepth,
  type RemoteQueues,
} from '../../../src-shared/ipc/broker-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge, formatClock, formatDuration } from '../../format';
import { formatRoute } from '../../nav/route';
import { useSmt } from '../../store/react';

/** How often the screen asks again while it is open: the broker answers for every queue at each ask. */
const REFRESH_MS = 10_000;
/** Rows drawn; a fleet of thousands shows its backlogs (sorted first) and a count of the rest. */
const MAX_ROWS = 300;

function useBrokerPath() {
  const api = useApi();
  const read = useCallback(() => api.getBrokerPath(), [api]);
  const { value: view, error, busy, reload } = useLoad(read, { everyMs: REFRESH_MS });
  return { view, error, busy, reload };
}

const oldestOf = (r: RemoteQueues): number | null => {
  const ats = [r.config?.oldestAt, r.command?.oldestAt].filter((a): a is number => typeof a === 'number');
  return ats.length > 0 ? Math.min(...ats) : null;
};
const waitingOf = (r: RemoteQueues) => (r.config?.size ?? 0) + (r.command?.size ?? 0);

function Depth({ q }: { q: QueueDepth | null }) {
  if (!q) return <td className="numeric faint">–</td>;
  return (
    <td className={`numeric num${q.size > 0 ? ' tone-warn' : ''}`}>
      {q.size}
      <span className="faint" title="consumers">
        {' '}
        · {q.consumers} {q.consumers === 1 ? 'consumer' : 'consumers'}
      </span>
    </td>
  );
}

function Brokers({ view, now }: { view: BrokerPathView; now: number }) {
  return (
    <section className="panel" aria-labelledby="brokers-title">
      <h2 id="brokers-title">Brokers</h2>
      <table className="grid" aria-label="Brokers">
        <thead>
          <tr>
            <th scope="col">Broker</th>
            <th scope="col">URL</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {view.brokers.map((b) => (
            <tr key={b.name} data-broker={b.name} data-active={b.active}>
              <td>
                <strong>{b.name}</strong>
              </td>
              <td className="mono">{b.url}</td>
              <td>
                {b.active ? (
                  <span className="state-line">
                    <span className="dot tone-ok" aria-hidden="true" />
                    in use
                    {view.active
                      ? ` since ${formatClock(view.active.since)} (${formatAge(view.active.since, now)})`
                      : ''}
                  </span>
                ) : b.reachable ? (
                  <span className="state-line">
                    <span className="dot tone-idle" aria-hidden="true" />
                    reachable, not in use
                  </span>
                ) : (
                  <span className="state-line muted">
                    <span className="dot tone-bad" aria-hidden="true" />
                    not accepting connections{b.error ? `: ${b.error}` : ''}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="broker-last-failover">
        Last failover:{' '}
        {view.lastFailoverAt === null
          ? 'none since the console started'
          : `${formatClock(view.lastFailoverAt)} (${formatAge(view.lastFailoverAt, now)})`}
      </p>
    </section>
  );
}

const share = (part: number | null, whole: number | null) =>
  part === null || whole === null ? '–' : `${Math.round((part / whole) * 100)} %`;

/**
 * The active broker's JVM as its plugin reports it: a broker whose heap fills with connections shows here
 * before it thrashes (docs/broker.md, "Sizing").
 */
function Health({ health, now }: { health: BrokerHealth | null; now: number }) {
  if (!health) {
    return (
      <section className="panel" aria-labelledby="health-title">
        <h2 id="health-title">Broker health</h2>
        <p className="muted">
          No health report from the broker yet (its SMT plugin sends one every 5 s once the console has a
          session).
        </p>
      </section>
    );
  }
  const r = health.report;
  const old = r.oldLiveMb ?? r.oldUsedMb;
  const tone = health.stale ? 'tone-idle' : `tone-${health.level}`;
  return (
    <section className="panel" aria-labelledby="health-title" data-health-level={health.level}>
      <div className="panel-head">
        <h2 id="health-title">Broker health</h2>
        <span className="state-line" role="status" aria-label="Broker health">
          <span className={`dot ${tone}`} aria-hidden="true" />
          {health.stale
            ? `no report for ${formatDuration(now - health.receivedAt)}: figures are old`
            : health.level === 'ok'
              ? 'healthy'
              : health.level === 'warn'
                ? 'needs attention'
                : 'in trouble'}
        </span>
        <span className="toolbar-spacer" />
        <span className="muted">
          {r.broker}, reported {formatAge(health.receivedAt, now)}
        </span>
      </div>
      <table className="grid" aria-label="Broker health figures">
        <tbody>
          <tr>
            <th scope="row">Heap kept after collecting</th>
            <td className="numeric num" data-testid="health-heap">
              {old === null || r.oldMaxMb === null
                ? '–'
                : `${old} of ${r.oldMaxMb} MB (${share(old, r.oldMaxMb)})${r.oldLiveMb === null ? ', before its first collection' : ''}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Heap in use now</th>
            <td className="numeric num">
              {r.heapUsedMb} of {r.heapMaxMb} MB
            </td>
          </tr>
          <tr>
            <th scope="row">Time spent collecting garbage</th>
            <td className="numeric num">{Math.round(r.gcShare * 100)} %</td>
          </tr>
          <tr>
            <th scope="row">File descriptors</th>
            <td className="numeric num">
              {r.openFds === null
                ? '–'
                : `${r.openFds} of ${r.maxFds ?? '?'} (${share(r.openFds, r.maxFds)})`}
            </td>
          </tr>
          <tr>
            <th scope="row">Connections</th>
            <td className="numeric num">{r.connections}</td>
          </tr>
        </tbody>
      </table>
      {health.findings.map((f) => (
        <p key={f} className={`notice tone-${health.level === 'bad' ? 'bad' : 'warn'}`} role="alert">
          {f}
        </p>
      ))}
    </section>
  );
}

function Queues({ view, now }: { view: BrokerPathView; now: number }) {
  const [onlyWaiting, setOnlyWaiting] = useState(false);
  const rows = onlyWaiting ? view.remotes.filter((r) => waitingOf(r) > 0) : view.remotes;
  const stuck = view.remotes.filter((r) => r.stuck).length;
  const backlogs = view.remotes.filter((r) => waitingOf(r) > 0).length;
  return (
    <section className="panel" aria-labelledby="queues-title">
      <div className="panel-head">
        <h2 id="queues-title">Remote queues</h2>
        <span className="muted" role="status" aria-label="Backlog summary">
          {backlogs === 0
            ? 'no backlog'
            : `${backlogs} ${backlogs === 1 ? 'remote has' : 'remotes have'} messages waiting${stuck > 0 ? `, ${stuck} stuck` : ''}`}
        </span>
        <span className="toolbar-spacer" />
        <label className="check">
          <input type="checkbox" checked={onlyWaiting} onChange={(e) => setOnlyWaiting(e.target.checked)} />{' '}
          Only remotes with messages waiting
        </label>
      </div>
      {stuck > 0 && (
        <p className="notice tone-bad" role="alert">
          <strong>Stuck backlog:</strong> {stuck} {stuck === 1 ? 'remote has' : 'remotes have'} had messages
          waiting for over {formatDuration(STUCK_AFTER_MS)} with nothing consuming them. Check that the agent
          runs and reaches the broker (its certificate, its network); the messages are kept until it does or
          they expire.
        </p>
      )}
      {view.statsProblem && (
        <p className="notice tone-warn" role="alert">
          {view.statsProblem}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="empty">
          {onlyWaiting ? 'No remote has messages waiting.' : 'No remote queue on the broker yet.'}
        </p>
      ) : (
        <table className="grid queues" aria-label="Remote queues">
          <thead>
            <tr>
              <th scope="col">Remote</th>
              <th scope="col" className="numeric">
                Config waiting
              </th>
              <th scope="col" className="numeric">
                Command waiting
              </th>
              <th scope="col" className="numeric">
                Oldest waiting
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((r) => {
              const oldest = oldestOf(r);
              const waiting = waitingOf(r);
              return (
                <tr
                  key={r.remoteId}
                  data-remote-id={r.remoteId}
                  data-stuck={r.stuck}
                  className={r.stuck ? 'row-bad' : waiting > 0 ? 'row-warn' : undefined}
                >
                  <td className="mono">
                    <a href={formatRoute({ screen: 'remote', remoteId: r.remoteId })}>{r.remoteId}</a>
                  </td>
                  <Depth q={r.config} />
                  <Depth q={r.command} />
                  <td className="numeric num">{oldest === null ? '–' : formatDuration(now - oldest)}</td>
                  <td>
                    {r.stuck ? (
                      <span className="badge status-offline">stuck</span>
                    ) : waiting > 0 ? (
                      <span className="badge status-unknown">waiting</span>
                    ) : (
                      <span className="faint">clear</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {rows.length > MAX_ROWS && (
        <p className="muted">
          and {rows.length - MAX_ROWS} more remotes, all with{' '}
          {onlyWaiting ? 'fewer waiting' : 'nothing waiting'}.
        </p>
      )}
    </section>
  );
}

/** The path from console to remotes: which broker carries it, and what waits in each remote's queues. */
export function BrokerScreen() {
  const { view, error, busy, reload } = useBrokerPath();
  const now = useSmt((s) => s.now);
  return (
    <main className="screen broker-path" aria-label="Broker path">
      <header className="screen-head">
        <h1 className="title">Broker path</h1>
        {view && (
          <span className="muted" data-testid="active-broker">
            {view.active ? (
              <>
                on <strong>{view.active.name}</strong> since {formatClock(view.active.since)}
              </>
            ) : (
              `no broker session (${view.connection})`
            )}
          </span>
        )}
        <span className="toolbar-spacer" />
        {view && <span className="muted">figures from {formatAge(view.at, now)}, every 10 s</span>}
        <button type="button" className="button small" onClick={reload} disabled={busy}>
          {busy ? 'Asking the broker…' : 'Refresh'}
        </button>
      </header>
      {error && (
        <p className="notice tone-warn" role="alert">
          Could not read the broker path: {error} It is asked again every 10 s; Refresh asks now.
        </p>
      )}
      {view === null ? (
        <p className="muted">Asking the broker…</p>
      ) : (
        <>
          <Brokers view={view} now={now} />
          <Health health={view.health} now={now} />
          <Queues view={view} now={now} />
        </>
      )}
    </main>
  );
}
