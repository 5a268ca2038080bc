import { z } from 'zod';
import { isDone, type Deliveries, type DeliveryKind, type DeliveryState } from './delivery';

/**
 * Staged rollout as a pure planner (docs/delivery.md): given the plan, the push's ordered targets and
 * the deliveries so far, it says what to start now. It keeps no state of its own, so a console that
 * restarts mid-rollout plans from the outbox alone, and a retried canary resumes the rollout once it
 * reports applied.
 */

export const RolloutPlan = z.discriminatedUnion('kind', [
  /** Every target at once. */
  z.object({ kind: z.literal('all') }),
  /** The first `size` targets first; the rest only when all of them report applied. */
  z.object({ kind: z.literal('canary'), size: z.number().int().positive() }),
]);
export type RolloutPlan = z.infer<typeof RolloutPlan>;

export type RolloutStep =
  /** Start deliveries to these targets now (they have none yet). */
  | { kind: 'send'; remotes: string[] }
  /** Nothing to start: these deliveries are still under way. */
  | { kind: 'wait'; on: string[] }
  /**
   * A canary rollout stopped: `remote` ended in `state` (the first to, by time). `notSent` are the
   * targets it kept back; deliveries already under way go on.
   */
  | { kind: 'halted'; remote: string; state: DeliveryKind; reason: string; notSent: string[] }
  /** Every target is done (applied or not: a plain push does not halt). */
  | { kind: 'done' };

/** Ends that stop a canary rollout wherever they happen. */
const failure: ReadonlySet<DeliveryKind> = new Set(['failed', 'rolled-back']);

function why(s: DeliveryState): string {
  switch (s.kind) {
    case 'failed':
    case 'rolled-back':
      return s.reason;
    case 'superseded':
      return s.reason ?? 'a newer version reached the remote first';
    case 'expired':
      return 'the remote did not receive it before the deadline';
    case 'cancelled':
      return 'cancelled before the remote received it';
    case 'queued':
    case 'sent':
    case 'delivered':
    case 'applied':
      return s.kind;
  }
}

export function planRollout(
  plan: RolloutPlan,
  targets: readonly string[],
  deliveries: Deliveries,
): RolloutStep {
  const notSent = targets.filter((t) => !deliveries.has(t));
  const canaries = plan.kind === 'canary' ? targets.slice(0, plan.size) : [];
  const isCanary = new Set(canaries);

  if (plan.kind === 'canary') {
    // A canary must apply; any other end of a canary, and a failure anywhere, stops the rollout.
    let first: { remote: string; state: DeliveryState } | undefined;
    for (const remote of targets) {
      const s = deliveries.get(remote);
      if (!s) continue;
      const stops = failure.has(s.kind) || (isCanary.has(remote) && isDone(s) && s.kind !== 'applied');
      if (stops && (!first || s.since < first.state.since)) first = { remote, state: s };
    }
    if (first) {
      const { remote, state } = first;
      const role = isCanary.has(remote) ? 'canary ' : '';
      return {
        kind: 'halted',
        remote,
        state: state.kind,
        reason: `${role}${remote} ${state.kind}: ${why(state)}`,
        notSent,
      };
    }
  }

  const canaryStage = canaries.some((r) => deliveries.get(r)?.kind !== 'applied');
  const stage = canaryStage ? canaries : targets;
  const start = stage.filter((t) => !deliveries.has(t));
  if (start.length > 0) return { kind: 'send', remotes: start };
  const under = targets.filter((t) => {
    const s = deliveries.get(t);
    return s !== undefined && !isDone(s);
  });
  return under.length > 0 ? { kind: 'wait', on: under } : { kind: 'done' };
}
