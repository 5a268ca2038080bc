import { useCallback } from 'react';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge, formatDuration } from '../../format';
import { useSmt } from '../../store/react';

const tone: Record<string, string> = {
  applied: 'status-online',
  failed: 'status-offline',
  'rolled-back': 'status-offline',
  queued: 'status-unknown',
  sent: 'status-unknown',
  delivered: 'status-unknown',
};

/** The pushes this remote got or still waits for, from the console's outbox; refreshed every few seconds. */
export function Deliveries({ remoteId }: { remoteId: string }) {
  const api = useApi();
  const now = useSmt((s) => s.now);
  const read = useCallback(() => api.getRemoteDeliveries({ remoteId, limit: 20 }), [api, remoteId]);
  const { value: data, error } = useLoad(read, { everyMs: 5_000 });

  const b = data?.backlog;
  const waiting = b ? b.queued + b.sent : 0;
  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <div className="panel-head">
        <h2 id="deliveries-title">Deliveries</h2>
        {b && (
          <span className={waiting > 0 ? 'tone-warn' : 'muted'} role="status" aria-label="Backlog">
            {waiting === 0
              ? 'nothing waiting'
              : `${b.queued} queued, ${b.sent} sent not yet received${b.oldestQueuedAt === null ? '' : `, oldest ${formatDuration(now - b.oldestQueuedAt)}`}`}
          </span>
        )}
      </div>
      {error && <p className="notice tone-warn">Could not refresh the deliveries: {error}</p>}
      {data === null ? (
        <p className="muted">Loading…</p>
      ) : data.deliveries.length === 0 ? (
        <p className="muted">No push has targeted this remote yet.</p>
      ) : (
        <table className="grid" aria-label="Deliveries">
          <thead>
            <tr>
              <th scope="col">Push</th>
              <th scope="col">Object</th>
              <th scope="col" className="numeric">
                Version
              </th>
              <th scope="col">State</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {data.deliveries.map((d) => (
              <tr key={d.pushId} data-push-id={d.pushId} data-state={d.state}>
                <td className="mono">
                  <a href={`#/push/${encodeURIComponent(d.pushId)}`} title={d.pushId}>
                    {d.pushId.slice(0, 8)}
                  </a>
                </td>
                <td className="mono">{d.object.kind === 'zone' ? d.object.name : d.object.subnet}</td>
                <td className="numeric num">{d.version}</td>
                <td>
                  <span className={`badge ${tone[d.state] ?? 'status-unknown'}`}>
                    <span className="dot" aria-hidden="true" />
                    {d.state}
                    {d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}
                  </span>
                  {d.reason && <div className="reason">{d.reason}</div>}
                </td>
                <td className="num muted">{formatAge(d.since, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
