import { useState } from 'react';
import type { TrendMetric, TrendRange } from '../../../src-shared/trends/trend';
import { formatClock } from '../../format';
import { TrendChart } from './TrendChart';
import { useTrend } from './use-trend';

const metrics: { value: TrendMetric; label: string }[] = [
  { value: 'cpu', label: 'CPU' },
  { value: 'mem', label: 'Memory' },
  { value: 'disk', label: 'Disk' },
  { value: 'dnsQps', label: 'DNS queries/s' },
  { value: 'dhcpLeases', label: 'DHCP leases' },
];
const ranges: { value: TrendRange; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '30d', label: '30 days' },
];

function Segmented<T extends string>(props: {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div className="segmented" role="group" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={props.value === o.value}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function TrendPanel({ remoteId }: { remoteId: string }) {
  const [metric, setMetric] = useState<TrendMetric>('cpu');
  const [range, setRange] = useState<TrendRange>('1h');
  const { series, error, fetchedAt } = useTrend(remoteId, metric, range);
  const label = `${metrics.find((m) => m.value === metric)?.label ?? metric} over ${ranges.find((r) => r.value === range)?.label ?? range}`;
  return (
    <section className="panel trends" aria-labelledby="trends-title">
      <div className="panel-head">
        <h2 id="trends-title">Trends</h2>
        <Segmented label="Metric" options={metrics} value={metric} onChange={setMetric} />
        <Segmented label="Range" options={ranges} value={range} onChange={setRange} />
      </div>
      {error && (
        <p className="notice tone-warn" role="status">
          Could not refresh the chart: {error}
          {fetchedAt !== null && ` Showing what was loaded at ${formatClock(fetchedAt)}.`}
        </p>
      )}
      {series === null ? (
        <p className="muted">Loading…</p>
      ) : series.t.length === 0 ? (
        <p className="muted" role="status">
          No {label.toLowerCase()} yet: the console keeps what this remote reports from now on.
        </p>
      ) : (
        <TrendChart series={series} label={label} />
      )}
    </section>
  );
}
