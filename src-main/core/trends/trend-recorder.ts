import {
  trendTiers,
  type TrendMetric,
  type TrendQuery,
  type TrendSeries,
} from '../../../src-shared/trends/trend';
import type { Envelope } from '../../../src-shared/protocol';
import { silentLog, type LogSink } from '../../../src-node/log';
import type { TrendStore } from '../store/trend-store';
import { Rollup, type TrendPoint } from './rollup';

export interface TrendRecorderOptions {
  store: TrendStore;
  now?: () => number;
  log?: LogSink;
  /** Finished buckets are written at most this often, in one transaction. */
  flushIntervalMs?: number;
  /** Old buckets are pruned at most this often. */
  pruneIntervalMs?: number;
}

const pct = (used: number, total: number): number | undefined =>
  total > 0 ? (100 * used) / total : undefined;

/** The metrics one live message carries; a remote without DNS or DHCP reports none of those. */
export function trendValues(
  env: Envelope<'stats'> | Envelope<'usage'>,
): Partial<Record<TrendMetric, number>> {
  if (env.type === 'stats') {
    const b = env.body;
    return {
      cpu: b.cpuPct,
      ...(pct(b.mem.usedBytes, b.mem.totalBytes) === undefined
        ? {}
        : { mem: pct(b.mem.usedBytes, b.mem.totalBytes) }),
      ...(pct(b.disk.usedBytes, b.disk.totalBytes) === undefined
        ? {}
        : { disk: pct(b.disk.usedBytes, b.disk.totalBytes) }),
    };
  }
  const b = env.body;
  return {
    ...(b.dns ? { dnsQps: b.dns.qps } : {}),
    ...(b.dhcp ? { dhcpLeases: b.dhcp.leasesActive } : {}),
  };
}

/**
 * Feeds live samples into the rollup, timed by the console's clock (a remote's clock may be off), and
 * writes finished buckets in batches. A chart reads the stored buckets plus those not written yet plus
 * the one still filling, so it is current to the last sample without a write per sample.
 */
export class TrendRecorder {
  private readonly store: TrendStore;
  private readonly now: () => number;
  private readonly log: LogSink;
  private readonly rollup = new Rollup();
  private unwritten: TrendPoint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private readonly flushIntervalMs: number;
  private readonly pruneIntervalMs: number;
  private failures = 0;

  constructor(opts: TrendRecorderOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLog;
    this.flushIntervalMs = opts.flushIntervalMs ?? 10_000;
    this.pruneIntervalMs = opts.pruneIntervalMs ?? 10 * 60_000;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes every bucket, the open ones too, so a console started again merges into them. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unwritten.push(...this.rollup.closeAll());
    this.write();
  }

  take(env: Envelope<'stats'> | Envelope<'usage'>): void {
    for (const [metric, value] of Object.entries(trendValues(env)) as [TrendMetric, number][]) {
      this.record(env.from, metric, value);
    }
  }

  /**
   * One sample of one series, timed now. A series is a remote's metric, or one that is not a remote's
   * own: a DHCP pool's utilisation is keyed by its pool series id (core/pools), in the same store.
   */
  record(seriesId: string, metric: TrendMetric, value: number): void {
    const closed = this.rollup.add(seriesId, metric, this.now(), value);
    if (closed.length > 0) this.unwritten.push(...closed);
  }

  flush(): void {
    const now = this.now();
    this.unwritten.push(...this.rollup.closeDue(now));
    this.write();
    if (now - this.lastPrune >= this.pruneIntervalMs) {
      this.lastPrune = now;
      try {
        this.store.pruneBefore(now);
      } catch (e) {
        this.log({ level: 'warn', msg: 'trend: old buckets not pruned', error: String(e) });
      }
    }
  }

  query(q: TrendQuery): TrendSeries {
    const tier = trendTiers[q.range];
    const to = this.now();
    const from = to - tier.spanMs;
    const { points, corrupt } = this.store.read(q, from, to);
    if (corrupt > 0) this.log({ level: 'warn', msg: `trend: ${corrupt} stored bucket(s) unreadable`, ...q });
    const byT = new Map(points.map((p) => [p.t, p]));
    const mine = [
      ...this.unwritten.filter(
        (p) => p.remoteId === q.remoteId && p.metric === q.metric && p.range === q.range,
      ),
      ...[this.rollup.partial(q.remoteId, q.metric, q.range)].filter((p) => p !== undefined),
    ];
    for (const p of mine) {
      if (p.t < from) continue;
      const stored = byT.get(p.t);
      // Another console process may have written part of this bucket: show both halves together.
      byT.set(
        p.t,
        stored
          ? {
              t: p.t,
              n: stored.n + p.n,
              avg: (stored.avg * stored.n + p.avg * p.n) / (stored.n + p.n),
              min: Math.min(stored.min, p.min),
              max: Math.max(stored.max, p.max),
            }
          : p,
      );
    }
    const rows = [...byT.values()].sort((a, b) => a.t - b.t);
    return {
      ...q,
      stepMs: tier.stepMs,
      from,
      to,
      t: rows.map((r) => r.t),
      avg: rows.map((r) => r.avg),
      min: rows.map((r) => r.min),
      max: rows.map((r) => r.max),
    };
  }

  counters(): { late: number; unwritten: number; open: number; writeFailures: number } {
    return {
      late: this.rollup.late,
      unwritten: this.unwritten.length,
      open: this.rollup.openCount,
      writeFailures: this.failures,
    };
  }

  private write(): void {
    if (this.unwritten.length === 0) return;
    try {
      this.store.write(this.unwritten);
      this.unwritten = [];
    } catch (e) {
      // A full or read-only disk: keep the buckets (bounded below) and try again on the next flush.
      this.failures++;
      this.log({
        level: 'warn',
        msg: 'trend: buckets not written; kept for the next flush',
        error: String(e),
      });
      const cap = 200_000;
      if (this.unwritten.length > cap) this.unwritten = this.unwritten.slice(-cap);
    }
  }
}
