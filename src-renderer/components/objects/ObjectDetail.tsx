import { useMemo, useState } from 'react';
import type { RemoteObjectView } from '../../../src-shared/ipc/inventory-views';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import { formatAge, formatClock, formatDuration } from '../../format';
import { formatRoute, objectsRoute } from '../../nav/route';
import { countOf, objectName } from '../../store/objects-slice';
import { useSmt } from '../../store/react';
import { HistoryPanel } from './HistoryPanel';
import { ReservationsEditor } from './ReservationsEditor';
import type { ObjectActions } from './object-actions';
import { reportStale, shortHash, stateHelp, stateLabel } from './sync-format';
import { VirtualTable, type Column } from './VirtualTable';

const columns: Column[] = [
  { label: 'Remote' },
  { label: 'State' },
  { label: 'Version', numeric: true },
  { label: 'Serial', numeric: true },
  { label: 'Hash' },
  { label: 'Serves since' },
  { label: 'Reported' },
  { label: '' },
];
const template = '150px minmax(170px, 1.4fr) 72px 120px 92px 110px minmax(130px, 1fr) 170px';

function RemoteCells({
  o,
  r,
  now,
  stale,
  actions,
}: {
  o: ObjectView;
  r: RemoteObjectView;
  now: number;
  stale: boolean;
  actions: ObjectActions;
}) {
  const busy = actions.state.kind === 'busy';
  const canReconcile = o.intended !== null && (r.state === 'drifted' || r.state === 'missing');
  const canAdopt = r.state === 'drifted' || r.state === 'extra';
  return (
    <>
      <div role="cell" className="td id mono">
        <a href={formatRoute({ screen: 'remote', remoteId: r.remoteId })} title={`Open ${r.remoteId}`}>
          {r.remoteId}
        </a>
      </div>
      <div role="cell" className="td" title={r.note ?? stateHelp[r.state]}>
        <span className={`badge sync-${r.state}`} data-testid="sync-state">
          <span className="dot" aria-hidden="true" />
          {stateLabel[r.state]}
        </span>
        {r.note && <span className="note muted"> {r.note}</span>}
      </div>
      <div role="cell" className="td numeric num">
        {r.servedVersion === null ? '–' : `v${r.servedVersion}`}
      </div>
      <div role="cell" className="td numeric num">
        {r.serial ?? '–'}
      </div>
      <div
        role="cell"
        className="td mono"
        title={r.servedSha256 ? `served ${r.servedSha256}\nintended ${o.intended?.sha256 ?? 'none'}` : ''}
      >
        {shortHash(r.servedSha256)}
      </div>
      <div role="cell" className="td" title={r.since === null ? '' : formatClock(r.since)}>
        {r.since === null ? '–' : formatAge(r.since, now)}
      </div>
      <div
        role="cell"
        className="td"
        title={r.reportedAt === null ? 'No inventory received' : `Received ${formatClock(r.reportedAt)}`}
      >
        {r.reportedAt === null ? (
          <span className="faint">never</span>
        ) : stale ? (
          <span className="stale-tag" data-testid="report-stale">
            stale {formatDuration(now - r.reportedAt)}
          </span>
        ) : (
          formatAge(r.reportedAt, now)
        )}
      </div>
      <div role="cell" className="td row-actions">
        {canReconcile && (
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => void actions.reconcile(o, r.remoteId)}
            title={`Push the intended version v${o.intended?.version ?? ''} to ${r.remoteId} (previewed first)`}
          >
            Reconcile
          </button>
        )}
        {canAdopt && (
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => void actions.adopt(o, r.remoteId)}
            title={`What ${r.remoteId} serves becomes a new draft`}
          >
            Adopt
          </button>
        )}
      </div>
    </>
  );
}

/** One object: what the console intends, each remote's state, and the ways back to the intended state. */
export function ObjectDetail({ object: o, actions }: { object: ObjectView; actions: ObjectActions }) {
  const now = useSmt((s) => s.now);
  const fleet = useSmt((s) => s.remotes);
  const [history, setHistory] = useState(false);
  const [reservations, setReservations] = useState(false);
  const editable = o.object.kind === 'scope' && o.intended?.op === 'upsert';
  const stale = useMemo(
    () => new Set(o.remotes.filter((r) => reportStale(r, fleet.get(r.remoteId))).map((r) => r.remoteId)),
    [o.remotes, fleet],
  );
  const toReconcile = countOf(o, 'drifted') + countOf(o, 'missing');
  const busy = actions.state.kind === 'busy';
  return (
    <section className="panel object-detail" aria-labelledby="object-title" data-key={o.key}>
      <div className="panel-head">
        <h2 id="object-title">
          <span className="muted">{o.object.kind}</span> <span className="mono">{objectName(o.object)}</span>
        </h2>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button small primary"
          disabled={busy || o.intended === null || toReconcile === 0}
          title={
            o.intended === null
              ? 'Not owned: adopt what a remote serves to own it'
              : toReconcile === 0
                ? 'Every remote serves the intended version or is unknown'
                : `Push the intended version to the ${toReconcile} drifted or missing remotes (previewed first)`
          }
          onClick={() => void actions.reconcile(o)}
        >
          Reconcile {toReconcile > 0 ? toReconcile : ''}
        </button>
        <button
          type="button"
          className="button small"
          aria-expanded={history}
          disabled={o.versions === 0}
          onClick={() => setHistory(!history)}
        >
          History ({o.versions})
        </button>
        {editable && (
          <button
            type="button"
            className="button small"
            aria-expanded={reservations}
            onClick={() => setReservations(!reservations)}
          >
            Reservations
          </button>
        )}
        <a className="button small" href={formatRoute(objectsRoute)} title="Close (Escape)">
          Close
        </a>
      </div>
      <p className="muted" data-testid="intended">
        {o.intended === null
          ? 'Not owned: never pushed through this profile. The remotes below serve it anyway.'
          : `Intended: version ${o.intended.version} (${o.intended.op}), hash ${shortHash(o.intended.sha256)}, pushed ${formatAge(o.intended.at, now)} at ${formatClock(o.intended.at)}.`}
        {stale.size > 0 &&
          ` ${stale.size} report${stale.size === 1 ? ' is' : 's are'} stale: the remote is not online, so what it serves now is not known.`}
      </p>
      <VirtualTable
        label={`Remotes of ${o.key}`}
        testId="object-remotes"
        className="object-remotes"
        columns={columns}
        template={template}
        rows={o.remotes}
        rowKey={(r) => r.remoteId}
        cells={(r) => <RemoteCells o={o} r={r} now={now} stale={stale.has(r.remoteId)} actions={actions} />}
        rowProps={(r) => ({
          'data-remote-id': r.remoteId,
          'data-state': r.state,
          'data-stale': stale.has(r.remoteId) ? 'true' : 'false',
        })}
        empty="No remote serves it or was meant to."
      />
      {editable && reservations && <ReservationsEditor object={o} />}
      {history && <HistoryPanel object={o} actions={actions} />}
    </section>
  );
}
