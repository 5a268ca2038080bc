import { z } from 'zod';
import { RemoteId } from '../protocol';

/**
 * Service usage and host load over time, as the console keeps it: every sample feeds three tiers of
 * fixed-width buckets (design.md §8), so a 30-day chart reads 360 rows, not 500,000 samples, and the
 * console's memory does not grow with how long it has been running.
 */

/** `dhcpPoolPct` is one series per DHCP subnet or pool (issue 17), keyed by poolSeriesId, not a remote id. */
export const TrendMetric = z.enum(['cpu', 'mem', 'disk', 'dnsQps', 'dhcpLeases', 'dhcpPoolPct']);
export type TrendMetric = z.infer<typeof TrendMetric>;

export const TrendRange = z.enum(['1h', '24h', '30d']);
export type TrendRange = z.infer<typeof TrendRange>;

export interface TrendTier {
  range: TrendRange;
  /** Bucket width. */
  stepMs: number;
  /** How far back the tier reaches: buckets older than this are pruned. */
  spanMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** About 300 points per chart: enough to read a spike, few enough to draw and ship at once. */
export const trendTiers: Readonly<Record<TrendRange, TrendTier>> = {
  '1h': { range: '1h', stepMs: 10_000, spanMs: HOUR },
  '24h': { range: '24h', stepMs: 5 * MINUTE, spanMs: 24 * HOUR },
  '30d': { range: '30d', stepMs: 2 * HOUR, spanMs: 30 * 24 * HOUR },
};

export const bucketStart = (t: number, stepMs: number): number => t - (t % stepMs);

/** Units the renderer labels axes with. */
export const trendUnits: Readonly<Record<TrendMetric, string>> = {
  cpu: '%',
  mem: '%',
  disk: '%',
  dnsQps: 'queries/s',
  dhcpLeases: 'leases',
  dhcpPoolPct: '%',
};

/**
 * One chart's data, columnar as uPlot draws it: `t[i]` is a bucket's start; a bucket no sample fell in
 * is absent (a gap is drawn as a gap, never as zero).
 */
export const TrendSeries = z.object({
  remoteId: RemoteId,
  metric: TrendMetric,
  range: TrendRange,
  stepMs: z.number().int().positive(),
  /** The window asked about: [from, to). */
  from: z.number().int(),
  to: z.number().int(),
  t: z.array(z.number().int()),
  avg: z.array(z.number()),
  min: z.array(z.number()),
  max: z.array(z.number()),
});
export type TrendSeries = z.infer<typeof TrendSeries>;

export const TrendQuery = z.object({ remoteId: RemoteId, metric: TrendMetric, range: TrendRange });
export type TrendQuery = z.infer<typeof TrendQuery>;
