import type { ConsoleCore } from '../console-core';
import type { TrendRecorder } from '../trends/trend-recorder';
import { PoolTracker } from './pool-tracker';

export interface AttachedPools {
  tracker: PoolTracker;
  close(): void;
}

/** Keeps the latest DHCP pool counters from every remote's usage messages (docs/dhcp.md). */
export function attachPools(core: ConsoleCore, recorder: TrendRecorder): AttachedPools {
  const tracker = new PoolTracker(recorder, Date.now, (rid) => core.fleet.get(rid)?.staleAfterMs);
  const off = core.onFleetMessage((env) => {
    if (env.type === 'usage') tracker.take(env);
  });
  return { tracker, close: off };
}
