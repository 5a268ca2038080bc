import type { PoolView } from '../../../src-shared/ipc/pool-views';
import type { PoolFact } from '../alerts/facts';

/**
 * The pools' view as the alert rules read it (pool-utilisation, pool-exhaustion). A stale row (no usage
 * report for 5 minutes) says nothing about the pool now, so it is left out: its alert neither fires nor
 * resolves on an old number, and the remote's offline alert tells the admin why.
 */
export function poolFacts(pools: readonly PoolView[]): PoolFact[] {
  return pools.flatMap((p) =>
    p.stale
      ? []
      : [
          {
            remoteId: p.remoteId,
            subnet: p.pool ?? p.subnet ?? `subnet id ${p.subnetId}`,
            utilisationPct: p.utilisationPct,
            ...(p.trendPending ? {} : { exhaustionInH: p.forecastHours }),
          },
        ],
  );
}
