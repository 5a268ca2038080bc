import type { ChannelDescriptor, ChannelType } from '../../src-shared/protocol';
import type { LogSink } from '../log';
import type {
  InboundMessage,
  MessageHandler,
  SmtConnection,
  SmtSubscription,
  SubscribeOptions,
} from './connection';
import type { Checked, InboundGuard } from './inbound';
import type { SenderBuckets } from './rate-limit';

/** One subscription of a route table: where, how (ack mode, frame limit), and what takes each frame. */
export interface Route {
  readonly destination: string;
  readonly options: SubscribeOptions;
  readonly handle: MessageHandler;
}

/**
 * A route over an SMT channel: subscribed with the channel's ack mode and frame limit, each frame checked
 * by the guard against the channel before `take` sees it. A rejected frame reaches `take` too (with the
 * reason), as a client-individual one must still be acknowledged or answered. `read` is a channel, or the
 * channels that share the destination (sharedReaders in src-shared/protocol/channels.ts).
 */
export function channelRoute<T extends ChannelType>(
  guard: InboundGuard,
  read: ChannelDescriptor<T> | readonly [ChannelDescriptor<T>, ...ChannelDescriptor<T>[]],
  destination: string,
  take: (checked: Checked<T>, m: InboundMessage) => void | Promise<void>,
  opts: { rate?: SenderBuckets } = {},
): Route {
  // Channels read together agree on ack mode and frame limit (sharedReaders): the first one's hold.
  const channel: ChannelDescriptor<T> = Array.isArray(read) ? read[0] : (read as ChannelDescriptor<T>);
  return {
    destination,
    options: { ack: channel.ack, maxBodyBytes: channel.maxFrameBytes },
    handle: (m) => take(guard.check(m, read, opts), m),
  };
}

/** Subscribes every route, in the table's order. */
export function subscribeRoutes(conn: SmtConnection, routes: readonly Route[]): SmtSubscription[] {
  return routes.map((r) => conn.subscribe(r.destination, r.options, r.handle));
}

/** Acknowledges a message whose ack may fail with the session: the broker then delivers it again. */
export async function ackQuietly(m: InboundMessage, log: LogSink): Promise<void> {
  try {
    await m.ack();
  } catch (e) {
    log({ level: 'debug', msg: 'ack not sent; the broker will redeliver', error: String(e) });
  }
}
