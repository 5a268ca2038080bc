import { deliveryKinds, isDone, type Deliveries, type DeliveryKind } from './delivery';

export interface PushSummary {
  /** Targets of the push, held ones included. */
  total: number;
  /** Per state; 'held' counts targets a staged rollout has not sent to yet (they have no delivery). */
  counts: Record<DeliveryKind | 'held', number>;
  /** Deliveries the push is finished with: applied, failed, rolled-back, superseded, expired, cancelled. */
  done: number;
  /** Sent (in the remote's queue) but not received yet: the remote is offline or slow. */
  waitingForRemote: {
    count: number;
    /** The one waiting longest, for "sent — waiting for remote, 3 min". */
    oldest?: { remote: string; sentAt: number; ageMs: number };
  };
  /** Every target is done; false while a rollout holds targets back, even a halted one. */
  isComplete: boolean;
}

/** Deliveries of remotes that are not targets are not counted: the target list is the push's. */
export function summarize(targets: readonly string[], deliveries: Deliveries, now: number): PushSummary {
  const counts = Object.fromEntries([...deliveryKinds, 'held'].map((k) => [k, 0])) as PushSummary['counts'];
  let done = 0;
  let waiting = 0;
  let oldest: PushSummary['waitingForRemote']['oldest'];
  for (const remote of targets) {
    const s = deliveries.get(remote);
    if (!s) {
      counts.held += 1;
      continue;
    }
    counts[s.kind] += 1;
    if (isDone(s)) done += 1;
    if (s.kind === 'sent') {
      waiting += 1;
      if (!oldest || s.sentAt < oldest.sentAt) {
        oldest = { remote, sentAt: s.sentAt, ageMs: Math.max(0, now - s.sentAt) };
      }
    }
  }
  return {
    total: targets.length,
    counts,
    done,
    waitingForRemote: { count: waiting, ...(oldest ? { oldest } : {}) },
    isComplete: done === targets.length,
  };
}
