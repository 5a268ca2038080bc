import { bucketStart, trendTiers, type TrendMetric, type TrendRange } from '../../../src-shared/trends/trend';

/** One finished bucket of one series, ready to be stored. */
export interface TrendPoint {
  remoteId: string;
  metric: TrendMetric;
  range: TrendRange;
  /** The bucket's start. */
  t: number;
  /** Samples in it: two consoles' partial buckets for the same start are merged by weight. */
  n: number;
  avg: number;
  min: number;
  max: number;
}

interface OpenBucket {
  remoteId: string;
  metric: TrendMetric;
  range: TrendRange;
  t: number;
  end: number;
  n: number;
  sum: number;
  min: number;
  max: number;
}

const ranges = Object.values(trendTiers);
const keyOf = (remoteId: string, metric: TrendMetric, range: TrendRange) =>
  `${remoteId}\u0000${metric}\u0000${range}`;

function pointOf(b: OpenBucket): TrendPoint {
  return {
    remoteId: b.remoteId,
    metric: b.metric,
    range: b.range,
    t: b.t,
    n: b.n,
    avg: b.sum / b.n,
    min: b.min,
    max: b.max,
  };
}

/**
 * Folds samples into the open bucket of every tier and hands back the buckets that closed. Pure and
 * clock-free: the caller passes each sample's time and says when to close what is due, so it is tested
 * without timers. Memory is one open bucket per (remote, metric, tier), whatever the sample rate.
 */
export class Rollup {
  private readonly open = new Map<string, OpenBucket>();
  /** Samples that fell in a bucket already closed (late or reordered); they are dropped, not merged. */
  late = 0;

  add(remoteId: string, metric: TrendMetric, at: number, value: number): TrendPoint[] {
    if (!Number.isFinite(value)) return [];
    const closed: TrendPoint[] = [];
    for (const tier of ranges) {
      const key = keyOf(remoteId, metric, tier.range);
      const t = bucketStart(at, tier.stepMs);
      let b = this.open.get(key);
      if (b && t < b.t) {
        this.late++;
        continue;
      }
      if (b && t >= b.end) {
        closed.push(pointOf(b));
        b = undefined;
      }
      if (!b) {
        b = {
          remoteId,
          metric,
          range: tier.range,
          t,
          end: t + tier.stepMs,
          n: 0,
          sum: 0,
          min: value,
          max: value,
        };
        this.open.set(key, b);
      }
      b.n++;
      b.sum += value;
      if (value < b.min) b.min = value;
      if (value > b.max) b.max = value;
    }
    return closed;
  }

  /** Closes every bucket whose time is over (a remote that stopped reporting still gets its last point). */
  closeDue(now: number): TrendPoint[] {
    const closed: TrendPoint[] = [];
    for (const [key, b] of this.open) {
      if (b.end <= now) {
        closed.push(pointOf(b));
        this.open.delete(key);
      }
    }
    return closed;
  }

  /** Closes everything, finished or not: a console that stops keeps its partial buckets. */
  closeAll(): TrendPoint[] {
    const closed = [...this.open.values()].map(pointOf);
    this.open.clear();
    return closed;
  }

  /** The bucket still filling, as a point so far: a chart shows the last seconds too. */
  partial(remoteId: string, metric: TrendMetric, range: TrendRange): TrendPoint | undefined {
    const b = this.open.get(keyOf(remoteId, metric, range));
    return b ? pointOf(b) : undefined;
  }

  get openCount(): number {
    return this.open.size;
  }
}
