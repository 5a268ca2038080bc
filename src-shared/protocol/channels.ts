import type { ConsoleId, RemoteId } from './ids';
import {
  consoleReplyQueuePattern,
  destinations,
  type FleetChannel,
  type RemoteQueueKind,
  type RemoteTopicKind,
} from './destinations';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_CONFIG_FRAME_BYTES,
  envelopeSchemas,
  type ChannelType,
  type Envelope,
} from './envelope';

/** Who may send on a channel; the receiver holds a remote's frames to the broker-stamped user. */
export type ChannelSender = 'console' | 'remote';

/** How a receiver acknowledges: individually after acting on a message, or not at all. */
export type ChannelAck = 'auto' | 'client-individual';

/**
 * Everything both sides of one SMT channel must agree on (design.md §4): where it is sent and read,
 * its body's schema, who may send it, what the broker must persist, how long a message may wait, how
 * the receiver acknowledges it and the largest frame it takes. The sender's STOMP headers
 * (stompHeadersFor), the receiver's SUBSCRIBE (ack mode, frame limit) and its inbound guard (schema,
 * sender, frame limit) are all read from here, so a channel is described once.
 */
export interface ChannelDescriptor<T extends ChannelType = ChannelType> {
  readonly type: T;
  readonly schema: (typeof envelopeSchemas)[T];
  readonly sender: ChannelSender;
  readonly persistent: boolean;
  /** Time to live; undefined means the message waits for its receiver however long it takes. */
  readonly ttlMs?: number;
  readonly ack: ChannelAck;
  /** Frames over this many bytes are drained unread and refused as oversized. */
  readonly maxFrameBytes: number;
  /**
   * The reply-to a frame must carry to be answered (queries): anything else is refused before its body
   * is read. A remote is no relay: it answers only on one console session's reply queue.
   */
  readonly replyTo?: RegExp;
  /** The destination a sender sends to. */
  readonly sendTo: (...to: never[]) => string;
  /** The destination a receiver subscribes to. */
  readonly readAt: (...at: never[]) => string;
}

type Traits = Omit<ChannelDescriptor, 'type' | 'schema' | 'sendTo' | 'readAt'>;

const describe = <
  T extends ChannelType,
  S extends ChannelDescriptor['sendTo'],
  R extends ChannelDescriptor['readAt'],
>(
  type: T,
  traits: Traits,
  sendTo: S,
  readAt: R,
) => ({ type, schema: envelopeSchemas[type], ...traits, sendTo, readAt }) as const;

/** A queue of one remote: the console sends to it by the remote's id, the remote reads its own. */
const remoteQueue = <T extends RemoteQueueKind>(type: T, traits: Traits) =>
  describe(
    type,
    traits,
    (rid: RemoteId) => destinations.remoteQueue(rid, type),
    (rid: RemoteId) => destinations.remoteQueue(rid, type),
  );

/** A live topic: a remote publishes under its own id, a console reads every remote's by wildcard. */
const remoteTopic = <T extends RemoteTopicKind>(type: T) =>
  describe(
    type,
    {
      sender: 'remote',
      persistent: false,
      ttlMs: 60_000,
      ack: 'auto',
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
    },
    (rid: RemoteId) => destinations.remoteTopic(rid, type),
    () => destinations.allRemotesTopic(type),
  );

const stored = {
  persistent: true,
  ack: 'client-individual',
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
} as const;

/** A fleet channel: remotes send to a virtual topic, each console id reads its own copy of it. */
const fleetChannel = <T extends 'hello' | 'served' | 'event'>(
  type: T,
  fleet: FleetChannel,
  sendTo: () => string,
) =>
  describe(type, { ...stored, sender: 'remote' }, sendTo, (cid: ConsoleId) =>
    destinations.consoleFleet(cid, fleet),
  );

/** The thirteen channels of design.md §4 (docs/protocol.md "Channels"). */
export const channels = {
  config: remoteQueue('config', { ...stored, sender: 'console', maxFrameBytes: MAX_CONFIG_FRAME_BYTES }),
  command: remoteQueue('command', { ...stored, sender: 'console', ttlMs: 10 * 60_000 }),
  query: remoteQueue('query', {
    ...stored,
    sender: 'console',
    persistent: false,
    ttlMs: 30_000,
    replyTo: consoleReplyQueuePattern,
  }),
  broadcast: remoteQueue('broadcast', { ...stored, sender: 'console' }),
  result: describe(
    'result',
    { ...stored, sender: 'remote' },
    (cid: ConsoleId) => destinations.consoleResult(cid),
    (cid: ConsoleId) => destinations.consoleResult(cid),
  ),
  reply: describe(
    'reply',
    // A config query's reply may carry a whole zone: the config channel's frame limit.
    {
      sender: 'remote',
      persistent: false,
      ttlMs: 60_000,
      ack: 'auto',
      maxFrameBytes: MAX_CONFIG_FRAME_BYTES,
    },
    /** The query's reply-to, which the guard held to the query channel's `replyTo`. */
    (replyTo: string) => replyTo,
    (cid: ConsoleId, session: string) => destinations.consoleReply(cid, session),
  ),
  hello: fleetChannel('hello', 'inventory', () => destinations.inventory()),
  // The served inventory shares the hello's queue: both say what a remote is, and a console that reads
  // one reads the other in the order they were sent (sharedReaders below).
  served: fleetChannel('served', 'inventory', () => destinations.inventory()),
  stats: remoteTopic('stats'),
  presence: remoteTopic('presence'),
  usage: remoteTopic('usage'),
  event: fleetChannel('event', 'events', () => destinations.events()),
  log: remoteTopic('log'),
} as const satisfies { [T in ChannelType]: ChannelDescriptor<T> };

/**
 * STOMP headers for an envelope on its channel. `expires` is absolute epoch ms (lab-facts). A config
 * message also carries its id as `correlation-id` (JMSCorrelationID): a broker selector can name that, not
 * the hyphenated `smt-id`, and the console withdraws a config still waiting in a queue by it. The id is a
 * UUID (MessageId), so it can be quoted in a selector as it is.
 */
export function stompHeadersFor(env: Envelope, replyTo?: string): Record<string, string> {
  const channel: ChannelDescriptor = channels[env.type];
  return {
    'content-type': 'application/json',
    persistent: String(channel.persistent),
    'smt-type': env.type,
    'smt-id': env.id,
    ...(env.type === 'config' ? { 'correlation-id': env.id } : {}),
    ...(channel.ttlMs !== undefined ? { expires: String(env.ts + channel.ttlMs) } : {}),
    ...(replyTo ? { 'reply-to': replyTo } : {}),
  };
}

/**
 * Channels one subscription reads together, because they share a destination (hello and served share
 * the inventory queue). Every member agrees on sender, persistence, ack mode and frame limit
 * (channels.test.ts), so one SUBSCRIBE serves them all; the guard decodes a frame as any of them.
 */
export const sharedReaders = {
  inventory: [channels.hello, channels.served],
} as const satisfies Record<string, readonly ChannelDescriptor[]>;
