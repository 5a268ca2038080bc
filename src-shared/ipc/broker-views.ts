import { z } from 'zod';
import { BrokerHealth } from '../broker/health';
import { RemoteId } from '../protocol';

/** A backlog older than this with nobody consuming it is stuck: the remote is not taking its messages. */
export const STUCK_AFTER_MS = 5 * 60_000;

export const BrokerReach = z.object({
  name: z.string(),
  url: z.string(),
  /** The broker the console's session is on. */
  active: z.boolean(),
  /** Whether it accepted a TCP connection just now (a shared-store standby does not until it takes over). */
  reachable: z.boolean(),
  /** Why not, when it is not reachable. */
  error: z.string().optional(),
});
export type BrokerReach = z.infer<typeof BrokerReach>;

/** One queue as the broker's statistics plugin counts it. */
export const QueueDepth = z.object({
  /** Messages waiting, those dispatched but not yet acknowledged included. */
  size: z.number().int().nonnegative(),
  consumers: z.number().int().nonnegative(),
  /** The oldest waiting message's broker timestamp (epoch ms), null when the queue is empty or unread. */
  oldestAt: z.number().int().nullable(),
});
export type QueueDepth = z.infer<typeof QueueDepth>;

export const RemoteQueues = z.object({
  remoteId: RemoteId,
  config: QueueDepth.nullable(),
  command: QueueDepth.nullable(),
  /** Messages have waited longer than STUCK_AFTER_MS and nothing consumes them. */
  stuck: z.boolean(),
});
export type RemoteQueues = z.infer<typeof RemoteQueues>;

export const BrokerPathView = z.object({
  at: z.number().int(),
  /** The broker in use and since when; null while the console has no session. */
  active: z.object({ name: z.string(), url: z.string(), since: z.number().int() }).nullable(),
  connection: z.string(),
  lastFailoverAt: z.number().int().nullable(),
  brokers: z.array(BrokerReach),
  /** Remotes with a config or command queue on the broker, those with messages waiting first. */
  remotes: z.array(RemoteQueues),
  /** Why the queue figures are missing or partial (no session, the plugin did not finish answering). */
  statsProblem: z.string().nullable(),
  /** The active broker's heap, garbage collection and file descriptors; null before its first report. */
  health: BrokerHealth.nullable(),
});
export type BrokerPathView = z.infer<typeof BrokerPathView>;
