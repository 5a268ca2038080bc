import { z } from 'zod';
import { EventBody, RemoteId, ServiceName } from '../protocol';

/** One event a remote reported, as the console received it. */
export const RemoteEvent = EventBody.extend({
  seq: z.number().int().positive(),
  remoteId: RemoteId,
  /** Console clock when it arrived; `at` (if the remote gave one) is the remote's own clock. */
  receivedAt: z.number().int(),
});
export type RemoteEvent = z.infer<typeof RemoteEvent>;

export const RemoteEventsQuery = z.object({
  remoteId: RemoteId,
  limit: z.number().int().min(1).max(500).default(50),
});

export const CommandAction = z.enum(['reload', 'restart', 'flush-cache']);

export const CommandRequest = z.object({
  remoteIds: z.array(RemoteId).min(1, 'pick at least one remote').max(10_000),
  action: CommandAction,
  service: ServiceName,
});
export type CommandRequest = z.infer<typeof CommandRequest>;

/**
 * What became of a command on one remote. `waiting`: sent and kept by the broker (for 10 minutes) but no
 * answer yet, typically an offline remote; `not-sent`: the broker never took it.
 */
export const CommandOutcome = z.object({
  remoteId: RemoteId,
  state: z.enum(['applied', 'failed', 'waiting', 'not-sent']),
  reason: z.string().optional(),
  at: z.number().int(),
});
export type CommandOutcome = z.infer<typeof CommandOutcome>;
