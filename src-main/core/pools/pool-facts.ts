import type { PoolView } from '../../../src-shared/ipc/pool-views';
import type { PoolFact } from '../alerts/facts';

/**
 * The pools' view as the alert rules read it (pool-utilisation, pool-exhaustion). A stale row (no usage
 * report for 5 minutes) says nothing about the pool now, so it is left out: its alert neither fires nor
 * resolves on an old number, and the remote's offline alert tells the admin why. The pool row of a subnet
 * with one pool (on a Kea that keeps pool statistics) is left out too: Kea's subnet total is its pools'
 * sum, so it is the subnet's own number, and it would raise a second alert and notice for the same
 * addresses. Decided by the number of pools, not by comparing counts, so a subject does not come and go
 * with the leases (a subject that vanishes keeps its alert open).
 */
export function poolFacts(pools: readonly PoolView[]): PoolFact[] {
  const poolsOf = new Map<string, number>();
  const subnetKey = (p: PoolView) => `${p.remoteId}\u0000${p.subnetId}`;
  for (const p of pools)
    if (p.pool !== undefined) poolsOf.set(subnetKey(p), (poolsOf.get(subnetKey(p)) ?? 0) + 1);
  return pools.flatMap((p) =>
    p.stale || (p.pool !== undefined && poolsOf.get(subnetKey(p)) === 1)
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
