import { z } from 'zod';
import { ConfigObject, MessageId, RemoteId } from '../protocol';
import { deliveryKinds, type DeliveryKind } from '../push/delivery';

/** One push as one remote sees it: what it was, where its delivery stands, and since when. */
export const RemoteDelivery = z.object({
  pushId: MessageId,
  object: ConfigObject,
  version: z.number().int().positive(),
  state: z.enum(deliveryKinds as [DeliveryKind, ...DeliveryKind[]]),
  attempt: z.number().int().positive(),
  since: z.number().int(),
  /** The validator's or the remote's message, for failed, rolled back and superseded. */
  reason: z.string().optional(),
});
export type RemoteDelivery = z.infer<typeof RemoteDelivery>;

/** What still waits to reach this remote, from the console's outbox. */
export const RemoteBacklog = z.object({
  queued: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  /** When the oldest waiting delivery was queued (epoch ms), null when nothing waits. */
  oldestQueuedAt: z.number().int().nullable(),
});
export type RemoteBacklog = z.infer<typeof RemoteBacklog>;

export const RemoteDeliveriesQuery = z.object({
  remoteId: RemoteId,
  limit: z.number().int().min(1).max(200).default(20),
});

export const RemoteDeliveries = z.object({
  remoteId: RemoteId,
  deliveries: z.array(RemoteDelivery),
  backlog: RemoteBacklog,
});
export type RemoteDeliveries = z.infer<typeof RemoteDeliveries>;
