import { z } from 'zod';
import { RemoteId } from '../protocol';

/**
 * DHCP pools fleet-wide (docs/dhcp.md): per remote and subnet (and pool, where Kea keeps pool
 * statistics), the latest of Kea's own address counters, the utilisation trend and the exhaustion
 * forecast at the last 24 h's rate.
 */

const EpochMs = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

/**
 * A row older than this (or than its remote's stale time, 3 stats intervals, when longer) is shown stale:
 * its remote stopped reporting (offline, Kea down).
 */
export const POOL_STALE_AFTER_MS = 5 * 60_000;

/** The most points a row's sparkline carries: a glance at the last 24 h, not a chart. */
export const POOL_SPARK_POINTS = 48;

export const PoolView = z.object({
  remoteId: RemoteId,
  /** Kea's subnet id on that remote. */
  subnetId: z.number().int().positive(),
  /** The subnet's prefix; absent when the remote could not name it (Kea's config unreadable). */
  subnet: z.cidrv4().optional(),
  /** A pool of the subnet (`start-end` or a prefix) where Kea reports per pool; absent for the subnet. */
  pool: z.string().max(64).optional(),
  total: Count,
  /** Kea counts a declined address as assigned too. */
  assigned: Count,
  declined: Count,
  /** assigned / total, 0 to 100; 0 for an empty pool. */
  utilisationPct: z.number().min(0).max(100),
  /** Utilisation over the last 24 h, oldest first, at most POOL_SPARK_POINTS points. */
  spark: z.array(z.number()).max(POOL_SPARK_POINTS),
  /** The last 24 h's rate of change; null when too little history. */
  ratePctPerHour: z.number().nullable(),
  /** Hours until full at that rate; 0 when full; null when not filling. */
  forecastHours: z.number().nonnegative().nullable(),
  /**
   * True while the row's 24 h trend has not been read yet (a busy console reads a bounded number of rows
   * a round): spark, rate and forecast then say nothing, and no exhaustion alert fires or resolves on them.
   */
  trendPending: z.boolean().optional(),
  reportedAt: EpochMs,
  stale: z.boolean(),
});
export type PoolView = z.infer<typeof PoolView>;

export const PoolsQuery = z.object({
  /** One remote's pools only (the Remote screen). */
  remoteId: RemoteId.optional(),
  /** At most this many rows, fullest first. */
  limit: z.number().int().positive().max(10_000).optional(),
});
export type PoolsQuery = z.infer<typeof PoolsQuery>;

export const PoolsView = z.object({
  /** Fullest first (utilisation, then sooner forecast). */
  pools: z.array(PoolView),
  /** How many rows matched before the limit. */
  total: Count,
});
export type PoolsView = z.infer<typeof PoolsView>;

/** Fullest first; among equals the sooner exhaustion, then by remote and subnet for a stable order. */
export function comparePools(a: PoolView, b: PoolView): number {
  if (a.utilisationPct !== b.utilisationPct) return b.utilisationPct - a.utilisationPct;
  const fa = a.forecastHours ?? Infinity;
  const fb = b.forecastHours ?? Infinity;
  if (fa !== fb) return fa < fb ? -1 : 1;
  const ka = `${a.remoteId}\u0000${a.subnet ?? a.subnetId}\u0000${a.pool ?? ''}`;
  const kb = `${b.remoteId}\u0000${b.subnet ?? b.subnetId}\u0000${b.pool ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export const utilisationPct = (assigned: number, total: number): number =>
  total > 0 ? Math.min(100, (100 * assigned) / total) : 0;

/** One utilisation reading: when (ms) and how full (%). */
export interface UtilisationPoint {
  t: number;
  pct: number;
}

const HOUR = 3_600_000;

/**
 * The rate a pool fills at over the window, in % per hour: the least-squares slope of its readings, so
 * one odd reading does not swing it the way a first-to-last difference would. Null with fewer than two
 * readings or when they span less than minSpanMs (too little to tell a trend from noise).
 */
export function fillRatePctPerHour(
  points: readonly UtilisationPoint[],
  minSpanMs = 15 * 60_000,
): number | null {
  const usable = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.pct));
  if (usable.length < 2) return null;
  const t0 = Math.min(...usable.map((p) => p.t));
  const span = Math.max(...usable.map((p) => p.t)) - t0;
  if (span < minSpanMs) return null;
  const xs = usable.map((p) => (p.t - t0) / HOUR);
  const n = usable.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = usable.reduce((s, p) => s + p.pct, 0) / n;
  let num = 0;
  let den = 0;
  usable.forEach((p, i) => {
    const dx = (xs[i] as number) - mx;
    num += dx * (p.pct - my);
    den += dx * dx;
  });
  return den > 0 ? num / den : null;
}

/**
 * Hours until the pool is full at the given rate: 0 when it is full already, null when it is not filling
 * (no rate, or a rate of zero or less).
 */
export function exhaustionForecastHours(nowPct: number, ratePctPerHour: number | null): number | null {
  if (nowPct >= 100) return 0;
  if (ratePctPerHour === null || !(ratePctPerHour > 0)) return null;
  return (100 - nowPct) / ratePctPerHour;
}

/** At most `max` points, each the mean of an equal share of the input, oldest first. */
export function downsample(values: readonly number[], max = POOL_SPARK_POINTS): number[] {
  if (values.length <= max) return [...values];
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const from = Math.floor((i * values.length) / max);
    const to = Math.floor(((i + 1) * values.length) / max);
    const slice = values.slice(from, Math.max(to, from + 1));
    out.push(slice.reduce((s, v) => s + v, 0) / slice.length);
  }
  return out;
}
