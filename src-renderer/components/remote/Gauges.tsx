import type { RemoteView } from '../../../src-shared/ipc';
import { formatPercent } from '../../format';

const R = 40;
const HALF = Math.PI * R;

function Gauge({ label, value }: { label: string; value: number | null }) {
  const v = Math.min(100, Math.max(0, value ?? 0));
  const tone = value === null ? 'idle' : v >= 90 ? 'bad' : v >= 75 ? 'warn' : 'ok';
  return (
    <div
      className={`gauge tone-${tone}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value === null ? undefined : Math.round(v)}
      aria-valuetext={formatPercent(value)}
    >
      <svg viewBox="0 0 100 58" aria-hidden="true">
        <path className="gauge-track" d={`M10 50 A${R} ${R} 0 0 1 90 50`} />
        <path
          className="gauge-fill"
          d={`M10 50 A${R} ${R} 0 0 1 90 50`}
          strokeDasharray={`${(v / 100) * HALF} ${HALF}`}
        />
      </svg>
      <div className="gauge-value num">{formatPercent(value)}</div>
      <div className="gauge-label">{label}</div>
    </div>
  );
}

export function Gauges({ remote: r, stale }: { remote: RemoteView; stale: boolean }) {
  return (
    <section className={`panel gauges${stale ? ' stale' : ''}`} aria-label="Load">
      <Gauge label="CPU" value={r.cpuPct} />
      <Gauge label="Memory" value={r.memPct} />
      <Gauge label="Disk" value={r.diskPct} />
    </section>
  );
}
