import type { PushProgressEvent } from '../../src-shared/ipc';
import type { PlannedPush } from '../../src-shared/ipc/inventory-views';
import { pushRoute } from '../nav/route';
import type { SliceCreator } from './slice';

/**
 * A push planned elsewhere (a reconcile or a revert in Zones & Scopes) that the Push screen opens with:
 * its content and targets as planned, previewed and started there like any push. `seq` tells a second
 * plan from the first, so the form starts again even for the same object.
 */
export interface PushPlan extends PlannedPush {
  seq: number;
}

export interface PushSlice {
  /** The latest progress of each push that moved while the console was open, by push id. */
  pushProgress: ReadonlyMap<string, PushProgressEvent>;
  /** Remote ids the Fleet's selection hands to the Push screen as its targets. */
  pushTargets: readonly string[];
  pushPlan: PushPlan | null;
  takePushProgress(events: readonly PushProgressEvent[]): void;
  setPushTargets(ids: readonly string[]): void;
  /** The Push screen, filled with this plan. */
  openPlannedPush(plan: PlannedPush): void;
  /** Back to composing from scratch. */
  clearPushPlan(): void;
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

export const createPushSlice: SliceCreator<PushSlice> = (set, get) => ({
  pushProgress: new Map(),
  pushTargets: [],
  pushPlan: null,
  takePushProgress: (events) => set((s) => ({ pushProgress: withProgress(s.pushProgress, events) })),
  setPushTargets: (ids) => set({ pushTargets: [...ids] }),
  openPlannedPush: (plan) => {
    set((s) => ({ pushPlan: { ...plan, seq: (s.pushPlan?.seq ?? 0) + 1 } }));
    get().navigate(pushRoute);
  },
  clearPushPlan: () => set({ pushPlan: null }),
});
