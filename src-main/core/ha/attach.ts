import type { ConsoleCore } from '../console-core';
import { HaTracker } from './ha-tracker';

export interface AttachedHa {
  tracker: HaTracker;
  close(): void;
}

/** Keeps every remote's latest Kea HA status from its usage messages (docs/dhcp.md, "HA"). */
export function attachHa(core: ConsoleCore): AttachedHa {
  const tracker = new HaTracker();
  const off = core.onFleetMessage((env) => {
    if (env.type === 'usage') tracker.take(env);
  });
  return { tracker, close: off };
}
