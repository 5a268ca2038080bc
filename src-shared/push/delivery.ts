import { z } from 'zod';
import { MessageId, type Body } from '../protocol';

/**
 * One (push, remote) delivery as an explicit state machine (design.md §5, docs/delivery.md): a
 * discriminated union of states, a pure transition, and the push engine elsewhere that owns the outbox,
 * the sends and the timers.
 *
 * The transport is at-least-once and results arrive late, twice or out of order, so the rules are:
 * a result only counts for the attempt it names (its ref is the attempt's smt-id); a remote's report
 * never moves a delivery backwards; and what the remote reports beats what the console decided alone
 * (cancel, expire), because the remote's report is what it serves.
 */

const EpochMs = z.number().int().nonnegative();

/** What every state of one attempt carries, so an admin sees when it was queued, sent and received. */
const attemptFields = {
  /** 1 for the push itself, +1 for each retry. */
  attempt: z.number().int().positive(),
  /** The envelope id this attempt is sent (and resent) with; agents' results name it as `ref`. */
  smtId: MessageId,
  queuedAt: EpochMs,
  /** When the broker receipted the send; absent when a result overtook the receipt. */
  sentAt: EpochMs.optional(),
  /** When the remote said it received it; absent when the final result overtook 'delivered'. */
  deliveredAt: EpochMs.optional(),
  /** When the delivery entered its current state. */
  since: EpochMs,
};
const Reason = z.string().min(1).max(8_000);

export const DeliveryState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('queued'), ...attemptFields }),
  z.object({ kind: z.literal('sent'), ...attemptFields, sentAt: EpochMs }),
  z.object({ kind: z.literal('delivered'), ...attemptFields }),
  z.object({
    kind: z.literal('applied'),
    ...attemptFields,
    /** SHA-256 of what the remote serves after applying, hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.object({ kind: z.literal('failed'), ...attemptFields, reason: Reason }),
  z.object({ kind: z.literal('rolled-back'), ...attemptFields, reason: Reason }),
  z.object({ kind: z.literal('superseded'), ...attemptFields, reason: Reason.optional() }),
  z.object({ kind: z.literal('expired'), ...attemptFields }),
  z.object({ kind: z.literal('cancelled'), ...attemptFields }),
]);
export type DeliveryState = z.infer<typeof DeliveryState>;
export type DeliveryKind = DeliveryState['kind'];

export const deliveryKinds = DeliveryState.options.map((o) => o.shape.kind.value);

/** A push's deliveries by remote id; a target without one has not been sent (a staged rollout holds it). */
export type Deliveries = ReadonlyMap<string, DeliveryState>;

/** What a remote reports about one attempt (the result channel's states, with what each must carry). */
export type RemoteReport =
  | { state: 'delivered' }
  | { state: 'applied'; sha256: string }
  | { state: 'failed'; reason: string }
  | { state: 'superseded'; reason?: string }
  | { state: 'rolled-back'; reason: string };

export type DeliveryEvent =
  /** The broker receipted the send of the attempt with this smt-id: it is persisted in the remote's queue. */
  | { type: 'sendReceipted'; smtId: string; at: number }
  /** A result from the remote; `ref` is the smt-id of the attempt it is about. */
  | ({ type: 'result'; ref: string; at: number } & RemoteReport)
  /** The admin withdraws the push; only what the remote does not have yet can be withdrawn. */
  | { type: 'cancel'; at: number }
  /** The push's deadline passed before the remote received it. */
  | { type: 'expire'; at: number }
  /** A new attempt with a new smt-id: retries share nothing with the old attempt but the payload. */
  | { type: 'retry'; smtId: string; at: number }
  /** The console reconnected (or restarted, or failed over); it resends what is queued, unchanged. */
  | { type: 'resendAfterReconnect'; at: number };

/** States the push is finished with for this remote (until a retry). */
const doneKinds: ReadonlySet<DeliveryKind> = new Set([
  'applied',
  'failed',
  'rolled-back',
  'superseded',
  'expired',
  'cancelled',
]);
export const isDone = (s: DeliveryState): boolean => doneKinds.has(s.kind);

const retryable: ReadonlySet<DeliveryKind> = new Set(['failed', 'rolled-back', 'expired', 'cancelled']);
export const isRetryable = (s: DeliveryState): boolean => retryable.has(s.kind);

/**
 * Which states each report moves on from. Reports never go backwards: 'delivered' after a final result
 * is an overtaken or repeated message; one final result per attempt stands (a redelivered message is
 * answered from the agent's ledger with the same one), except that a remote may later roll back what it
 * applied. Cancelled and expired accept everything: the remote had it after all.
 */
const reportMovesFrom: Record<RemoteReport['state'], ReadonlySet<DeliveryKind>> = {
  delivered: new Set(['queued', 'sent', 'cancelled', 'expired']),
  applied: new Set(['queued', 'sent', 'delivered', 'cancelled', 'expired']),
  failed: new Set(['queued', 'sent', 'delivered', 'cancelled', 'expired']),
  superseded: new Set(['queued', 'sent', 'delivered', 'cancelled', 'expired']),
  'rolled-back': new Set(['queued', 'sent', 'delivered', 'cancelled', 'expired', 'applied']),
};

/** The attempt's history, without the fields of the state being left. */
function history(s: DeliveryState) {
  const { attempt, smtId, queuedAt, sentAt, deliveredAt } = s;
  return {
    attempt,
    smtId,
    queuedAt,
    ...(sentAt === undefined ? {} : { sentAt }),
    ...(deliveredAt === undefined ? {} : { deliveredAt }),
  };
}

function report(s: DeliveryState, e: Extract<DeliveryEvent, { type: 'result' }>): DeliveryState {
  if (e.ref !== s.smtId || !reportMovesFrom[e.state].has(s.kind)) return s;
  const h = { ...history(s), since: e.at };
  switch (e.state) {
    case 'delivered':
      return { ...h, kind: 'delivered', deliveredAt: e.at };
    case 'applied':
      return { ...h, kind: 'applied', sha256: e.sha256 };
    case 'failed':
      return { ...h, kind: 'failed', reason: e.reason };
    case 'rolled-back':
      return { ...h, kind: 'rolled-back', reason: e.reason };
    case 'superseded':
      return { ...h, kind: 'superseded', ...(e.reason === undefined ? {} : { reason: e.reason }) };
  }
}

/** Returns `s` itself when the event changes nothing, so a store can skip the write. */
export function transition(s: DeliveryState, e: DeliveryEvent): DeliveryState {
  switch (e.type) {
    case 'sendReceipted':
      return s.kind === 'queued' && e.smtId === s.smtId
        ? { ...history(s), kind: 'sent', sentAt: e.at, since: e.at }
        : s;
    case 'result':
      return report(s, e);
    case 'cancel':
      return s.kind === 'queued' || s.kind === 'sent' ? { ...history(s), kind: 'cancelled', since: e.at } : s;
    case 'expire':
      return s.kind === 'queued' || s.kind === 'sent' ? { ...history(s), kind: 'expired', since: e.at } : s;
    case 'retry':
      // Reusing the smt-id would be answered from the agent's ledger instead of applied again.
      return isRetryable(s) && e.smtId !== s.smtId
        ? { kind: 'queued', attempt: s.attempt + 1, smtId: e.smtId, queuedAt: e.at, since: e.at }
        : s;
    case 'resendAfterReconnect':
      // A receipted message is in the broker's store and survives the reconnect; a queued one is sent
      // again with the same smt-id, so the agent's ledger absorbs a copy that got through before.
      return s;
  }
}

/** The first attempt of a delivery, as written to the outbox before anything is sent. */
export const queued = (smtId: string, at: number): DeliveryState => ({
  kind: 'queued',
  attempt: 1,
  smtId,
  queuedAt: at,
  since: at,
});

/**
 * A result body from the wire as an event: a result that lacks what its state must carry is refused
 * with the reason (the caller counts and logs it) rather than guessed at.
 */
export function resultEvent(
  body: Body<'result'>,
  at: number,
): { ok: true; event: DeliveryEvent } | { ok: false; error: string } {
  const base = { type: 'result' as const, ref: body.ref, at };
  switch (body.state) {
    case 'delivered':
      return { ok: true, event: { ...base, state: 'delivered' } };
    case 'applied':
      return body.sha256 === undefined
        ? {
            ok: false,
            error: `an applied result for ${body.ref} carries no sha256 of what the remote serves`,
          }
        : { ok: true, event: { ...base, state: 'applied', sha256: body.sha256 } };
    case 'failed':
    case 'rolled-back':
      return body.reason === undefined || body.reason === ''
        ? { ok: false, error: `a ${body.state} result for ${body.ref} carries no reason` }
        : { ok: true, event: { ...base, state: body.state, reason: body.reason } };
    case 'superseded':
      return {
        ok: true,
        event: { ...base, state: 'superseded', ...(body.reason ? { reason: body.reason } : {}) },
      };
  }
}
