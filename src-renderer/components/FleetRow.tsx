import { memo } from 'react';
import type { RemoteView } from '../../src-shared/ipc';
import { formatAge, formatClock, formatDuration, formatPercent } from '../format';
import { formatRoute } from '../nav/route';

/** The services an IPAM admin watches, in the order the column shows them, with a compact label. */
const services: { name: RemoteView['processes'][number]['name']; short: string }[] = [
  { name: 'named', short: 'named' },
  { name: 'kea-dhcp4', short: 'kea4' },
  { name: 'kea-dhcp6', short: 'kea6' },
  { name: 'bgpd', short: 'bgpd' },
  { name: 'zebra', short: 'zebra' },
  { name: 'ospfd', short: 'ospfd' },
];

const level = (v: number | null) => (v === null ? '' : v >= 90 ? ' crit' : v >= 75 ? ' warn' : '');

function Meter({ value, label }: { value: number | null; label: string }) {
  return (
    <div
      role="cell"
      className={`td numeric meter-cell${level(value)}`}
      aria-label={`${label} ${formatPercent(value)}`}
    >
      <span className="meter" aria-hidden="true">
        <span className="meter-fill" style={{ width: `${Math.min(100, Math.max(0, value ?? 0))}%` }} />
      </span>
      <span className="meter-value num">{formatPercent(value)}</span>
    </div>
  );
}

function Processes({ processes }: { processes: RemoteView['processes'] }) {
  const byName = new Map(processes.map((p) => [p.name, p]));
  return (
    <div role="cell" className="td procs">
      {services.map(({ name, short }) => {
        const p = byName.get(name);
        if (!p) return null;
        const state = p.running ? 'running' : 'down';
        const detail = p.running && p.uptimeS !== undefined ? `, up ${formatDuration(p.uptimeS * 1000)}` : '';
        return (
          <span
            key={name}
            className={`proc ${state}`}
            data-process={name}
            data-state={state}
            title={`${name} ${state}${detail}`}
          >
            {short}
          </span>
        );
      })}
      {processes.length === 0 && <span className="muted">–</span>}
    </div>
  );
}

interface RowProps {
  remote: RemoteView;
  selected: boolean;
  /** Stable (the store's action), so a row re-renders only when its own remote or checkbox changes. */
  onToggle: (id: string) => void;
  now: number;
  /** 1-based position among all rows, the header being 1 (aria-rowindex). */
  rowIndex: number;
  top: number;
}

/** One remote. Stats older than the remote's own staleness bound are dimmed and labelled with their age. */
export const FleetRow = memo(function FleetRow({
  remote: r,
  selected,
  onToggle,
  now,
  rowIndex,
  top,
}: RowProps) {
  const statsAge = r.statsAt === null ? null : now - r.statsAt;
  const stale = statsAge !== null && (statsAge > r.staleAfterMs || r.status === 'offline');
  const [ip, ...moreIps] = r.ips;
  return (
    <div
      role="row"
      aria-label={r.id}
      aria-rowindex={rowIndex}
      aria-selected={selected}
      data-remote-id={r.id}
      data-status={r.status}
      data-stale={stale ? 'true' : 'false'}
      data-last-seen={r.lastSeen ?? ''}
      className={`tr status-${r.status}${stale ? ' stale' : ''}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div role="cell" className="td id mono">
        <input
          type="checkbox"
          className="pick"
          aria-label={`Select ${r.id}`}
          checked={selected}
          onChange={() => onToggle(r.id)}
        />
        <a href={formatRoute({ screen: 'remote', remoteId: r.id })} title={`Open ${r.id}`}>
          {r.id}
        </a>
      </div>
      <div
        role="cell"
        className="td host"
        title={`${r.hostname}\n${r.os}, kernel ${r.kernel}\nservice tag ${r.serviceTag}`}
      >
        {r.hostname}
      </div>
      <div role="cell" className="td mono ip" title={r.ips.join('\n')}>
        {ip ?? '–'}
        {moreIps.length > 0 && <span className="more">+{moreIps.length}</span>}
      </div>
      <div role="cell" className="td status">
        <span className={`badge status-${r.status}`}>
          <span className="dot" aria-hidden="true" />
          {r.status}
        </span>
        {stale && statsAge !== null && (
          <span className="stale-tag" title={`Stats received ${formatClock(r.statsAt ?? 0)}`}>
            stale {formatDuration(statsAge)}
          </span>
        )}
      </div>
      <Meter value={r.cpuPct} label="CPU" />
      <Meter value={r.memPct} label="Memory" />
      <Meter value={r.diskPct} label="Disk" />
      <Processes processes={r.processes} />
      <div role="cell" className="td numeric seen" title={r.lastSeen === null ? '' : formatClock(r.lastSeen)}>
        {formatAge(r.lastSeen, now)}
      </div>
    </div>
  );
});
