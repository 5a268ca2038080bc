import { useCallback } from 'react';
import type { PoolView } from '../../../src-shared/ipc/pool-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge } from '../../format';
import { formatRoute } from '../../nav/route';

/** A tiny line of the last 24 h's utilisation (0–100 %), drawn as SVG: no chart library for a glance. */
function Spark({ values }: { values: readonly number[] }) {
  if (values.length < 2) return <span className="faint">–</span>;
  const w = 96;
  const h = 20;
  const d = values
    .map(
      (v, i) =>
        `${i === 0 ? 'M' : 'L'}${((i * w) / (values.length - 1)).toFixed(1)},${(h - (h * v) / 100).toFixed(1)}`,
    )
    .join('');
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} aria-label="Utilisation, last 24 hours">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

export const forecastText = (p: PoolView): string =>
  p.forecastHours === null
    ? '–'
    : p.forecastHours === 0
      ? 'full'
      : p.forecastHours < 48
        ? `${p.forecastHours.toFixed(1)} h`
        : `${(p.forecastHours / 24).toFixed(1)} d`;

const tone = (pct: number) => (pct >= 90 ? 'bad' : pct >= 75 ? 'warn' : '');

function Row({ p, now }: { p: PoolView; now: number }) {
  return (
    <tr data-stale={p.stale || undefined}>
      <td className="mono">
        <a href={formatRoute({ screen: 'remote', remoteId: p.remoteId })}>{p.remoteId}</a>
      </td>
      <td className="mono">{p.subnet ?? `id ${p.subnetId}`}</td>
      <td className="mono">{p.pool ?? <span className="faint">whole subnet</span>}</td>
      <td className="num">{p.total}</td>
      <td className="num">{p.assigned}</td>
      <td className="num">{p.declined}</td>
      <td className={`num ${tone(p.utilisationPct)}`}>{p.utilisationPct.toFixed(1)} %</td>
      <td>
        <Spark values={p.spark} />
      </td>
      <td className="num">
        {p.ratePctPerHour === null
          ? '–'
          : `${p.ratePctPerHour >= 0 ? '+' : ''}${p.ratePctPerHour.toFixed(2)} %/h`}
      </td>
      <td className="num">{forecastText(p)}</td>
      <td className={p.stale ? 'warn' : 'muted'} title={new Date(p.reportedAt).toISOString()}>
        {p.stale ? 'stale, ' : ''}
        {formatAge(p.reportedAt, now)}
      </td>
    </tr>
  );
}

/**
 * DHCP pools fleet-wide, fullest first (docs/dhcp.md); with `remoteId`, one remote's. It reads with
 * useLoad, not a store slice: the list is asked of the console and refreshed every usage interval, and no
 * other screen shares it.
 */
export function PoolsScreen({ remoteId }: { remoteId?: string }) {
  const api = useApi();
  const read = useCallback(() => api.listPools(remoteId === undefined ? {} : { remoteId }), [api, remoteId]);
  const { value, error } = useLoad(read, { everyMs: 10_000 });
  const now = Date.now();
  const table = (
    <table className="table pools">
      <thead>
        <tr>
          <th>Remote</th>
          <th>Subnet</th>
          <th>Pool</th>
          <th className="num">Total</th>
          <th className="num">Assigned</th>
          <th className="num">Declined</th>
          <th className="num">Used</th>
          <th>Last 24 h</th>
          <th className="num">Trend</th>
          <th className="num">Full in</th>
          <th>Reported</th>
        </tr>
      </thead>
      <tbody>
        {(value?.pools ?? []).map((p) => (
          <Row key={`${p.remoteId}/${p.subnetId}/${p.pool ?? ''}`} p={p} now={now} />
        ))}
      </tbody>
    </table>
  );
  const empty =
    value !== null && value.pools.length === 0 ? (
      <p className="muted" role="status">
        No DHCP pools reported yet: pools come from each DHCP remote&apos;s Kea statistics with its usage
        messages.
      </p>
    ) : null;
  if (remoteId !== undefined)
    return (
      <section aria-label="DHCP pools">
        <h2>DHCP pools</h2>
        {error && <p className="error">{error}</p>}
        {empty ?? table}
      </section>
    );
  return (
    <main className="screen pools" aria-label="DHCP Pools">
      <header className="screen-head">
        <h1 className="title">DHCP Pools</h1>
        <span className="muted">Every DHCP remote&apos;s subnets and pools, fullest first</span>
      </header>
      {error && <p className="error">{error}</p>}
      {empty ?? table}
    </main>
  );
}
