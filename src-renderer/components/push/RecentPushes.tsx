import { useCallback } from 'react';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge, formatClock } from '../../format';
import { useSmt } from '../../store/react';
import { objectName, StateCounts } from './push-format';

/** The pushes of this profile, newest first; re-read when any push moves, never polled. */
export function RecentPushes() {
  const api = useApi();
  const progress = useSmt((s) => s.pushProgress);
  const link = useSmt((s) => s.link.kind);
  const now = useSmt((s) => s.now);
  const read = useCallback(() => api.listPushes(), [api]);
  const { value: items, error } = useLoad(read, { refreshOn: [progress, link] });

  return (
    <section className="panel" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent pushes</h2>
      {error && (
        <p className="tone-bad">
          Could not read the pushes: {error} They show again once the console answers.
        </p>
      )}
      {items?.length === 0 && <p className="muted">No push yet from this profile.</p>}
      {items && items.length > 0 && (
        <table className="grid" aria-label="Recent pushes">
          <thead>
            <tr>
              <th>What</th>
              <th>State</th>
              <th>Deliveries</th>
              <th>Who</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={`#/push/${p.id}`}>
                    {objectName(p.object)} v{p.version}
                  </a>
                  {p.op === 'delete' && <span className="muted"> (delete)</span>}
                </td>
                <td>
                  <span className={`badge push-${p.state}`} title={p.haltReason ?? ''}>
                    {p.state}
                  </span>
                </td>
                <td>
                  <StateCounts counts={p.summary.counts} total={p.summary.total} />
                </td>
                <td>{p.author}</td>
                <td title={formatClock(p.createdAt)}>{formatAge(p.createdAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
