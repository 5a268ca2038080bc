import type { RejectCounters } from '../../src-shared/ipc/views';
import {
  decodeEnvelope,
  remoteIdOfDestination,
  type ChannelDescriptor,
  type ChannelType,
  type Envelope,
  type RejectReason,
} from '../../src-shared/protocol';
import type { LogSink } from '../log';
import type { InboundMessage } from './connection';
import type { SenderBuckets } from './rate-limit';

/**
 * The header in which the broker stamps the authenticated user of the sender (ActiveMQ
 * populateJMSXUserID + useAuthenticatedPrincipalForJMSXUserID). A client cannot forge it: the broker
 * overwrites whatever a SEND carried.
 */
export const AUTHENTICATED_USER_HEADER = 'JMSXUserID';

/** The user name in the header; a certificate DN ("CN=r-0001, OU=remotes, …") is reduced to its CN. */
export function authenticatedUser(headers: Readonly<Record<string, string>>): string | undefined {
  const raw = headers[AUTHENTICATED_USER_HEADER]?.trim();
  if (!raw) return undefined;
  return /^CN=([^,]+)/i.exec(raw)?.[1]?.trim() ?? raw;
}

export interface CheckOptions {
  /**
   * The sender's bucket on this subscription: a frame over its rate is dropped before it is decoded, so
   * a flood costs the receiver little and holds back no other sender. The sender is the broker-stamped
   * user (the destination's remote when there is none).
   */
  rate?: SenderBuckets;
}

/** A sender over its rate is logged at most once per this window, with the count dropped since. */
export const RATE_LOG_WINDOW_MS = 60_000;

export type Rejection = { sender: string; reason: RejectReason; detail: string };

/** What the guard says of one frame: its envelope, or why it was dropped (to tell the sender, say). */
export type Checked<T extends ChannelType> =
  { ok: true; envelope: Envelope<T> } | { ok: false; rejection: Rejection };

/**
 * The gate every inbound frame passes: decoded against the channel the subscription reads (its schema
 * and frame limit), then held to the identity the broker authenticated when remotes send on it. A rejected frame is counted per reason and per sender
 * and logged once per (sender, reason), a rate-limited one once per sender and window; nothing else is
 * affected.
 */
export class InboundGuard {
  private total = 0;
  // Maps, not objects: a sender named "__proto__" is counted like any other.
  private readonly byReason = new Map<string, number>();
  private readonly byRemote = new Map<string, number>();
  private readonly logged = new Set<string>();
  private readonly rateNotices = new Map<string, { at: number; dropped: number }>();

  constructor(
    private readonly name: string,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks one frame against the channel its subscription reads, or against the channels that share it
   * (sharedReaders: they agree on sender and frame limit, so the first one's traits hold for all).
   */
  check<T extends ChannelType>(
    msg: InboundMessage,
    read: ChannelDescriptor<T> | readonly [ChannelDescriptor<T>, ...ChannelDescriptor<T>[]],
    opts: CheckOptions = {},
  ): Checked<T> {
    const members: readonly ChannelDescriptor<T>[] = isList(read) ? read : [read];
    const channel = members[0] as ChannelDescriptor<T>;
    const user = authenticatedUser(msg.headers);
    const destinationRid = remoteIdOfDestination(msg.destination);
    const maxBytes = channel.maxFrameBytes;
    if (opts.rate) {
      const sender = user ?? destinationRid ?? 'unknown';
      if (!opts.rate.take(sender, this.now())) {
        const { perSecond, burst } = opts.rate.limit;
        return this.reject(sender, 'rate-limited', `over ${perSecond} frames/s (burst ${burst})`, msg);
      }
    }
    if (channel.replyTo) {
      // Nobody to answer: a frame whose answer would go anywhere else is dropped before it is read.
      const replyTo = msg.headers['reply-to'];
      if (!replyTo || !channel.replyTo.test(replyTo)) {
        const detail = `reply-to ${JSON.stringify(replyTo ?? null)} is no console's reply queue`;
        return this.reject(user ?? destinationRid, 'bad-reply-to', detail, msg);
      }
    }
    if (msg.oversized || msg.body === undefined) {
      return this.reject(user ?? destinationRid, 'oversized', `${msg.bytes} bytes, over ${maxBytes}`, msg);
    }
    const decoded = decodeEnvelope(
      msg.body,
      members.map((c) => c.type),
      maxBytes,
    );
    if (!decoded.ok) return this.reject(user ?? destinationRid, decoded.reason, decoded.detail, msg);
    const env = decoded.envelope;
    if (channel.sender === 'remote') {
      // From remotes, the broker-stamped user must be the envelope's `from` and own the destination; from
      // consoles the broker's authorization already says who may write.
      if (!user) {
        return this.reject(
          destinationRid ?? env.from,
          'identity-mismatch',
          `no ${AUTHENTICATED_USER_HEADER} header: the broker must stamp the sender (populateJMSXUserID)`,
          msg,
        );
      }
      if (env.from !== user) return this.reject(user, 'identity-mismatch', `claims to be "${env.from}"`, msg);
      if (destinationRid !== undefined && destinationRid !== user) {
        return this.reject(user, 'identity-mismatch', `published on ${msg.destination}`, msg);
      }
    }
    return { ok: true, envelope: env };
  }

  counters(): RejectCounters {
    return {
      total: this.total,
      byReason: Object.fromEntries(this.byReason),
      byRemote: Object.fromEntries(this.byRemote),
    };
  }

  private reject(
    sender: string | undefined,
    reason: RejectReason,
    detail: string,
    msg: InboundMessage,
  ): { ok: false; rejection: Rejection } {
    const who = sender ?? 'unknown';
    this.total++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    this.byRemote.set(who, (this.byRemote.get(who) ?? 0) + 1);
    if (reason === 'rate-limited') this.noticeRate(who, detail, msg);
    else this.logOnce(who, reason, detail, msg);
    return { ok: false, rejection: { sender: who, reason, detail } };
  }

  private logOnce(who: string, reason: RejectReason, detail: string, msg: InboundMessage) {
    const key = `${who}\u0000${reason}`;
    if (!this.logged.has(key)) {
      this.logged.add(key);
      this.log({
        level: 'warn',
        msg: `${this.name}: dropped a frame from ${who} (${reason}); further ones are only counted`,
        remote: who,
        reason,
        detail,
        destination: msg.destination,
      });
    }
  }

  /** A flood goes on for a while: one line per window says it still does, and how much was dropped. */
  private noticeRate(who: string, detail: string, msg: InboundMessage) {
    const now = this.now();
    const last = this.rateNotices.get(who);
    if (last && now - last.at < RATE_LOG_WINDOW_MS) {
      last.dropped++;
      return;
    }
    this.rateNotices.set(who, { at: now, dropped: 1 });
    this.log({
      level: 'warn',
      msg: `${this.name}: dropping frames from ${who} over its rate (${detail})`,
      remote: who,
      reason: 'rate-limited',
      ...(last ? { droppedInLastWindow: last.dropped } : {}),
      destination: msg.destination,
    });
  }
}

const isList = <T extends ChannelType>(
  read: ChannelDescriptor<T> | readonly [ChannelDescriptor<T>, ...ChannelDescriptor<T>[]],
): read is readonly [ChannelDescriptor<T>, ...ChannelDescriptor<T>[]] => Array.isArray(read);
