import { z } from 'zod';
import { TargetSelector } from '../config/selector';
import { ConfigObject, ConfigPayload } from '../protocol';

/**
 * What a push asks for, shared by the push engine, the `smt` CLI and the IPC contract (the renderer's Push
 * screen), so all three accept and refuse the same requests.
 */
export const PushRequest = z.object({
  object: ConfigObject,
  /** Omitted: one above the highest version ever pushed for this object. */
  version: z.number().int().positive().optional(),
  op: z.enum(['upsert', 'delete']).default('upsert'),
  payload: ConfigPayload.optional(),
  selector: TargetSelector,
  /** Send to the first `canary` targets first, and to the rest only when they all applied. */
  canary: z.number().int().positive().optional(),
  /**
   * A deadline (epoch ms, in the future): what has not reached a remote by then is withdrawn from the
   * broker and ends `expired`, and the broker itself drops its copies soon after (docs/push.md).
   */
  expiresAt: z.number().int().positive().optional(),
  author: z.string().min(1, 'a push names its author').max(256),
});
export type PushRequest = z.input<typeof PushRequest>;

/** What a preview takes: a push request without what only sending needs (author, canary). */
export const PreviewRequest = PushRequest.pick({
  object: true,
  version: true,
  op: true,
  payload: true,
  selector: true,
});
export type PreviewRequest = z.input<typeof PreviewRequest>;
