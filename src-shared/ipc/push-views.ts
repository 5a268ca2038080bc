import { z } from 'zod';
import { ConfigObject, MessageId, RemoteId } from '../protocol';
import { deliveryKinds, type DeliveryKind } from '../push/delivery';
import { pushStates } from '../push/push-state';
import { PushRequest } from '../push/request';

/**
 * A push as the Push screen starts it: the console, not the renderer, says who the author is (a request
 * that names one is refused rather than silently re-attributed).
 */
export const StartPushRequest = PushRequest.omit({ author: true }).strict();
export type StartPushRequest = z.input<typeof StartPushRequest>;

export const StartedPush = z.object({
  pushId: MessageId,
  version: z.number().int().positive(),
  targets: z.number().int().nonnegative(),
  /** Ids the selection named that the fleet does not know; not targets. */
  unknown: z.array(RemoteId),
});
export type StartedPush = z.infer<typeof StartedPush>;

/** The push machine's states (src-shared/push/push-state.ts) by name. */
export const PushState = z.enum(pushStates);
export type PushState = z.infer<typeof PushState>;

/** A delivery's state, or `held`: a staged rollout has not sent to that target yet. */
export const DeliveryStateName = z.enum([...(deliveryKinds as [DeliveryKind, ...DeliveryKind[]]), 'held']);
export type DeliveryStateName = z.infer<typeof DeliveryStateName>;

const Count = z.number().int().nonnegative();

/** src-shared/push/summary's PushSummary, as it crosses the IPC boundary. */
export const PushSummaryView = z.object({
  total: Count,
  counts: z.record(DeliveryStateName, Count),
  done: Count,
  waitingForRemote: z.object({
    count: Count,
    oldest: z.object({ remote: RemoteId, sentAt: z.number(), ageMs: z.number() }).optional(),
  }),
  isComplete: z.boolean(),
});
export type PushSummaryView = z.infer<typeof PushSummaryView>;

/** One line of the recent pushes list. */
export const PushListItem = z.object({
  id: MessageId,
  object: ConfigObject,
  op: z.enum(['upsert', 'delete']),
  version: z.number().int().positive(),
  createdAt: z.number(),
  author: z.string(),
  state: PushState,
  haltReason: z.string().nullable(),
  canary: z.number().int().positive().nullable(),
  expiresAt: z.number().nullable(),
  summary: PushSummaryView,
});
export type PushListItem = z.infer<typeof PushListItem>;

/** One target's delivery: its state and when it entered it, the attempt, and the remote's words. */
export const DeliveryView = z.object({
  remoteId: RemoteId,
  state: DeliveryStateName,
  /** When it entered this state; null for a held target. */
  since: z.number().nullable(),
  attempt: z.number().int().nonnegative(),
  sentAt: z.number().nullable(),
  /** The validator's message (failed, rolled-back) or why it was superseded. */
  reason: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const PushDetail = PushListItem.extend({
  /** In target order (id order; a canary's targets first). */
  deliveries: z.array(DeliveryView),
  /** The console's clock when this was read, so ages are counted from it. */
  at: z.number(),
});
export type PushDetail = z.infer<typeof PushDetail>;

export const CancelPushOutcome = z.object({
  /** Withdrawn from the broker (or never receipted): they end cancelled. */
  cancelled: Count,
  /** Already taken by their remotes: they stay sent and their remotes' reports decide. */
  withRemote: Count,
  /** No broker session to withdraw them: they stay sent; cancel again once connected. */
  unreachable: Count,
});
export type CancelPushOutcome = z.infer<typeof CancelPushOutcome>;

/** Sent at most every 200 ms per push while it moves (the engine batches), never per delivery. */
export const PushProgressEvent = z.object({
  pushId: MessageId,
  state: PushState,
  haltReason: z.string().nullable(),
  summary: PushSummaryView,
  at: z.number(),
});
export type PushProgressEvent = z.infer<typeof PushProgressEvent>;
