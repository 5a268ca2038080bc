import type { Envelope, SubnetUsage } from '../../../src-shared/protocol';
import {
  comparePools,
  downsample,
  exhaustionForecastHours,
  fillRatePctPerHour,
  POOL_STALE_AFTER_MS,
  utilisationPct,
  type PoolsQuery,
  type PoolsView,
  type PoolView,
} from '../../../src-shared/ipc/pool-views';
import type { TrendRecorder } from '../trends/trend-recorder';

/** The trend series of one subnet (or pool) of one remote, in the trend store beside the remotes' own. */
export const poolSeriesId = (remoteId: string, subnet: string, pool?: string): string =>
  `${remoteId}/${subnet}${pool === undefined ? '' : `#${pool}`}`;

interface Latest {
  remoteId: string;
  subnetId: number;
  subnet?: string;
  pool?: string;
  total: number;
  assigned: number;
  declined: number;
  reportedAt: number;
  series: string;
}

/** The trend and forecast of a row change with the 24 h tier's 5-minute buckets: read them at most this often. */
const DERIVED_TTL_MS = 60_000;
/**
 * Rows whose trend is read again in one list(), oldest first; the rest keep theirs a little longer. At
 * 1,000 remotes (4,002 subnet and pool rows) reading every row's day at once held the console's loop
 * 140–260 ms each minute (and far longer while the recorder held unwritten buckets), enough to cost the
 * demo's soak its broker session; 256 rows took 10–20 ms. The alerts ask every 5 s, so every row is
 * read again within about 80 s.
 */
export const DERIVED_REFRESH_PER_LIST = 256;

interface Derived {
  at: number;
  spark: number[];
  rate: number | null;
}

/**
 * The latest of Kea's address counters per (remote, subnet[, pool]) from the usage channel, each
 * reading also a sample of that pool's utilisation trend; list() answers the DHCP Pools view and the
 * pool alert rules. A remote's usage message replaces all its rows, so a removed subnet disappears.
 */
export class PoolTracker {
  private readonly byRemote = new Map<string, Latest[]>();
  private readonly derived = new Map<string, Derived>();

  constructor(
    private readonly recorder: Pick<TrendRecorder, 'record' | 'query'>,
    private readonly now: () => number = Date.now,
    /**
     * When the fleet calls a remote's samples stale (3 of its stats intervals, RemoteView.staleAfterMs).
     * Usage follows the stats interval, which a remote may set up to 10 minutes: a fixed 5 minutes
     * would call its pools stale between two reports, and a stale row neither fires nor resolves an alert.
     */
    private readonly remoteStaleAfterMs: (remoteId: string) => number | undefined = () => undefined,
  ) {}

  take(env: Envelope<'usage'>): void {
    const subnets = env.body.dhcp?.subnets;
    if (subnets === undefined) return;
    const at = this.now();
    const rows = subnets.flatMap((s) => rowsOf(env.from, s, at));
    for (const r of rows) this.recorder.record(r.series, 'dhcpPoolPct', utilisationPct(r.assigned, r.total));
    this.byRemote.set(env.from, rows);
  }

  /** A remote removed from the fleet: its pools go with it. */
  forget(remoteId: string): void {
    this.byRemote.delete(remoteId);
  }

  list(q: PoolsQuery = {}): PoolsView {
    const now = this.now();
    const rows =
      q.remoteId !== undefined ? (this.byRemote.get(q.remoteId) ?? []) : [...this.byRemote.values()].flat();
    this.refreshDerived(rows, now);
    const pools = rows.map((r) => this.view(r, now)).sort(comparePools);
    return { pools: q.limit !== undefined ? pools.slice(0, q.limit) : pools, total: pools.length };
  }

  /** Reads the day's trend again for the rows that have none or an old one, oldest first, within the budget. */
  private refreshDerived(rows: readonly Latest[], now: number): void {
    const due = rows
      .map((r) => ({ r, at: this.derived.get(r.series)?.at ?? -Infinity }))
      .filter((x) => now - x.at >= DERIVED_TTL_MS)
      .sort((a, b) => a.at - b.at)
      .slice(0, DERIVED_REFRESH_PER_LIST);
    for (const { r } of due) {
      const day = this.recorder.query({ remoteId: r.series, metric: 'dhcpPoolPct', range: '24h' });
      const points = day.t.map((t, i) => ({ t, pct: day.avg[i] as number }));
      this.derived.set(r.series, { at: now, spark: downsample(day.avg), rate: fillRatePctPerHour(points) });
    }
  }

  private view(r: Latest, now: number): PoolView {
    const pct = utilisationPct(r.assigned, r.total);
    // Not read yet (past this round's budget): no trend and no forecast until a next list.
    const d = this.derived.get(r.series);
    return {
      remoteId: r.remoteId,
      subnetId: r.subnetId,
      ...(r.subnet !== undefined ? { subnet: r.subnet } : {}),
      ...(r.pool !== undefined ? { pool: r.pool } : {}),
      total: r.total,
      assigned: r.assigned,
      declined: r.declined,
      utilisationPct: pct,
      spark: d?.spark ?? [],
      ratePctPerHour: d?.rate ?? null,
      forecastHours: exhaustionForecastHours(pct, d?.rate ?? null),
      ...(d === undefined ? { trendPending: true } : {}),
      reportedAt: r.reportedAt,
      stale: now - r.reportedAt > Math.max(POOL_STALE_AFTER_MS, this.remoteStaleAfterMs(r.remoteId) ?? 0),
    };
  }
}

function rowsOf(remoteId: string, s: SubnetUsage, at: number): Latest[] {
  const name = s.subnet ?? `id ${s.id}`;
  const row = (c: { total: number; assigned: number; declined: number }, pool?: string): Latest => ({
    remoteId,
    subnetId: s.id,
    ...(s.subnet !== undefined ? { subnet: s.subnet } : {}),
    ...(pool !== undefined ? { pool } : {}),
    total: c.total,
    assigned: Math.min(c.assigned, c.total),
    declined: c.declined,
    reportedAt: at,
    series: poolSeriesId(remoteId, name, pool),
  });
  return [row(s), ...(s.pools ?? []).map((p) => row(p, p.range ?? `pool ${p.index}`))];
}
