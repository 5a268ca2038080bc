import { formatRoute, fleetRoute } from '../../nav/route';
import { formatAge, formatClock, formatDuration } from '../../format';
import { useSmt } from '../../store/react';
import { Actions } from './Actions';
import { Deliveries } from './Deliveries';
import { Events, useRemoteEvents } from './Events';
import { Gauges } from './Gauges';
import { Processes } from './Processes';
import { Served } from './Served';
import { SystemInfo } from './SystemInfo';
import { TrendPanel } from './TrendPanel';
import { PoolsScreen } from '../pools/PoolsScreen';
import { HaSection } from './HaSection';

/** One remote: what it is, how loaded it is now, its services, and how that went over time. */
export function RemoteScreen({ remoteId }: { remoteId: string }) {
  const remote = useSmt((s) => s.remotes.get(remoteId));
  const loaded = useSmt((s) => s.fleetAt !== null);
  const now = useSmt((s) => s.now);
  const history = useRemoteEvents(remoteId);
  if (!remote) {
    return (
      <main className="screen" aria-label={`Remote ${remoteId}`}>
        <a className="back" href={formatRoute(fleetRoute)}>
          ← Fleet
        </a>
        <p className="empty" role="status">
          {loaded
            ? `No remote ${remoteId} in this fleet. It may have been removed, or this link is from another IPAM profile.`
            : 'Loading the fleet…'}
        </p>
      </main>
    );
  }
  const statsAge = remote.statsAt === null ? null : now - remote.statsAt;
  const stale = statsAge !== null && (statsAge > remote.staleAfterMs || remote.status === 'offline');
  return (
    <main className="screen remote" aria-label={`Remote ${remoteId}`} data-remote-id={remoteId}>
      <header className="screen-head">
        <a className="back" href={formatRoute(fleetRoute)} aria-label="Back to the fleet">
          ← Fleet
        </a>
        <h1 className="title mono">{remote.id}</h1>
        <span className="muted">{remote.hostname}</span>
        <span className={`badge status-${remote.status}`} data-status={remote.status}>
          <span className="dot" aria-hidden="true" />
          {remote.status}
        </span>
        {stale && statsAge !== null && (
          <span
            className="stale-tag"
            role="status"
            title={`Stats received ${formatClock(remote.statsAt ?? 0)}`}
          >
            figures are {formatDuration(statsAge)} old
          </span>
        )}
        <span className="toolbar-spacer" />
        <span className="muted">last heard {formatAge(remote.lastSeen, now)}</span>
      </header>
      <div className="remote-grid">
        <div className="remote-side">
          <SystemInfo remote={remote} />
          <Actions remote={remote} onDone={history.reload} />
          <Deliveries remoteId={remote.id} />
        </div>
        <div className="remote-side">
          <Gauges remote={remote} stale={stale} />
          <Processes remote={remote} />
          <Events events={history.events} error={history.error} />
        </div>
      </div>
      <TrendPanel remoteId={remote.id} />
      {remote.processes.some((p) => p.name === 'kea-dhcp4') && <PoolsScreen remoteId={remote.id} />}
      <HaSection remoteId={remote.id} />
      <Served remote={remote} />
    </main>
  );
}
