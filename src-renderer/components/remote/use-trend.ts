import { useEffect, useState } from 'react';
import type { TrendMetric, TrendRange, TrendSeries } from '../../../src-shared/trends/trend';
import { trendTiers } from '../../../src-shared/trends/trend';
import { useApi } from '../../api/context';

export interface TrendState {
  series: TrendSeries | null;
  /** What went wrong with the last fetch; the last good series stays shown, marked stale. */
  error: string | null;
  fetchedAt: number | null;
}

/** Fetches one chart's series and refreshes it once per bucket (at least every 10 s). */
export function useTrend(remoteId: string, metric: TrendMetric, range: TrendRange): TrendState {
  const api = useApi();
  const [state, setState] = useState<TrendState>({ series: null, error: null, fetchedAt: null });
  useEffect(() => {
    let live = true;
    setState({ series: null, error: null, fetchedAt: null });
    const load = async () => {
      const r = await api.getTrend({ remoteId, metric, range });
      if (!live) return;
      setState((s) =>
        r.ok ? { series: r.value, error: null, fetchedAt: Date.now() } : { ...s, error: r.error.message },
      );
    };
    void load();
    const timer = setInterval(() => void load(), Math.max(10_000, trendTiers[range].stepMs));
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, remoteId, metric, range]);
  return state;
}
