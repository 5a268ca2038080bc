import { useCallback } from 'react';
import type { TrendMetric, TrendRange, TrendSeries } from '../../../src-shared/trends/trend';
import { trendTiers } from '../../../src-shared/trends/trend';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';

export interface TrendState {
  series: TrendSeries | null;
  /** What went wrong with the last fetch; the last good series stays shown, marked stale. */
  error: string | null;
  fetchedAt: number | null;
}

/** Fetches one chart's series and refreshes it once per bucket (at least every 10 s). */
export function useTrend(remoteId: string, metric: TrendMetric, range: TrendRange): TrendState {
  const api = useApi();
  const read = useCallback(() => api.getTrend({ remoteId, metric, range }), [api, remoteId, metric, range]);
  const {
    value: series,
    error,
    fetchedAt,
  } = useLoad(read, {
    everyMs: Math.max(10_000, trendTiers[range].stepMs),
    resetOnChange: true,
  });
  return { series, error, fetchedAt };
}
