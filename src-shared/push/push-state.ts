import type { RolloutStep } from './rollout';

/**
 * A push's own state as an explicit machine, beside the delivery machine (delivery.ts): a discriminated
 * union, a pure transition, and the push engine (src-main/core/push) that drives it from what the admin
 * does and what the rollout planner says. The halt reason is part of the halted state, not a side field
 * that another state could carry.
 */

/** open: under way; halted: a canary stopped it; cancelled: the admin withdrew it; done: every target done. */
export const pushStates = ['open', 'halted', 'cancelled', 'done'] as const;
export type PushStateName = (typeof pushStates)[number];

export type PushStatus =
  { kind: 'open' } | { kind: 'halted'; reason: string } | { kind: 'cancelled' } | { kind: 'done' };

export type PushEvent =
  /** The admin withdraws the push: nothing new is sent for it. */
  | { type: 'cancel' }
  /** The admin retried it; `retried` deliveries got a new attempt (0: there was nothing to retry). */
  | { type: 'retry'; retried: number }
  /** The planner says deliveries are under way, or it starts the next stage. */
  | { type: 'underWay' }
  /** The planner stopped a canary rollout, for this reason. */
  | { type: 'halt'; reason: string }
  /** The planner found every target done (applied or not). */
  | { type: 'finished' };

const open: PushStatus = { kind: 'open' };

/** Returns `s` itself when the event changes nothing, so the engine can skip the write and the log. */
export function transition(s: PushStatus, e: PushEvent): PushStatus {
  switch (e.type) {
    case 'cancel':
      // A push every target is done with has nothing to withdraw: it stays done.
      return s.kind === 'open' || s.kind === 'halted' ? { kind: 'cancelled' } : s;
    case 'retry':
      // New attempts are under way whatever it was, a cancelled push included: the admin asked again.
      return e.retried > 0 && s.kind !== 'open' ? open : s;
    // What the planner says never reopens a cancelled push: it starts no stage once cancelled.
    case 'underWay':
      return s.kind === 'halted' || s.kind === 'done' ? open : s;
    case 'halt':
      return s.kind === 'cancelled' || (s.kind === 'halted' && s.reason === e.reason)
        ? s
        : { kind: 'halted', reason: e.reason };
    case 'finished':
      return s.kind === 'open' || s.kind === 'halted' ? { kind: 'done' } : s;
  }
}

/** The planner's step as the push's event: starting a stage and waiting on one are both under way. */
export function plannedEvent(step: RolloutStep): PushEvent {
  switch (step.kind) {
    case 'send':
    case 'wait':
      return { type: 'underWay' };
    case 'halted':
      return { type: 'halt', reason: step.reason };
    case 'done':
      return { type: 'finished' };
  }
}

/** As the outbox and the IPC views hold it: the state's name and the halt reason (null unless halted). */
export interface PushStateColumns {
  state: PushStateName;
  haltReason: string | null;
}

export const toColumns = (s: PushStatus): PushStateColumns => ({
  state: s.kind,
  haltReason: s.kind === 'halted' ? s.reason : null,
});

/** The outbox writes a reason with every halt (toColumns); a halt read without one has an empty reason. */
export const fromColumns = (c: PushStateColumns): PushStatus =>
  c.state === 'halted' ? { kind: 'halted', reason: c.haltReason ?? '' } : { kind: c.state };
