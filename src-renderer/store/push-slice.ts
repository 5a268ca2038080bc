import type { PushProgressEvent } from '../../src-shared/ipc';
import type { SliceCreator } from './slice';

export interface PushSlice {
  /** The latest progress of each push that moved while the console was open, by push id. */
  pushProgress: ReadonlyMap<string, PushProgressEvent>;
  /** Remote ids the Fleet's selection hands to the Push screen as its targets. */
  pushTargets: readonly string[];
  takePushProgress(events: readonly PushProgressEvent[]): void;
  setPushTargets(ids: readonly string[]): void;
}

/** Events arrive out of order across a reconnect: an older one never replaces a newer one. */
export function withProgress(
  current: ReadonlyMap<string, PushProgressEvent>,
  events: readonly PushProgressEvent[],
): ReadonlyMap<string, PushProgressEvent> {
  const next = new Map(current);
  for (const e of events) {
    const had = next.get(e.pushId);
    if (!had || had.at <= e.at) next.set(e.pushId, e);
  }
  return next;
}

export const createPushSlice: SliceCreator<PushSlice> = (set) => ({
  pushProgress: new Map(),
  pushTargets: [],
  takePushProgress: (events) => set((s) => ({ pushProgress: withProgress(s.pushProgress, events) })),
  setPushTargets: (ids) => set({ pushTargets: [...ids] }),
});
