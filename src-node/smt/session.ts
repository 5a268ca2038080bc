import type { Readable } from 'node:stream';
import stompit from 'stompit';
import { brokerUrl } from '../../src-shared/broker/address';
import type { BrokerEndpoint } from '../../src-shared/profile';
import { DEFAULT_MAX_FRAME_BYTES } from '../../src-shared/protocol';
import { errorText } from '../../src-shared/util/error-text';
import type { LogSink } from '../log';
import type { TlsMaterial } from '../tls';
import { readBody } from './body';
import { SmtSessionLostError } from './errors';
import { STOMP_PARSER_LIMITS, hardenStompitParser } from './frame-parser';
import { WholeFrameWriter } from './frame-writer';
import { Receipts, receiptOption } from './receipts';
import {
  CONNECTED_TWICE,
  messageFate,
  sendsFrames,
  transition,
  type SessionEvent,
  type SessionState,
} from './session-state';
import type { Transport } from './tls-transport';

hardenStompitParser();

/** stompit's typings omit the parsed headers that every incoming frame carries. */
type StompMessage = stompit.Client.Message & { headers: Record<string, string | number> };

export interface HeartbeatOptions {
  /** How often we send a heart-beat. */
  sendMs: number;
  /** How often we ask the broker to send one. */
  expectMs: number;
  /** Extra silence tolerated before the peer counts as dead. */
  graceMs: number;
}

/**
 * ActiveMQ sends a heart-beat only when a whole check period passed without output, so its silences
 * reach twice the period (measured: 3.9 s at 2000 ms, 1.95 s at 1000 ms). Asking for 1000 ms and
 * tolerating 2500 ms of silence never drops a live session and finds a frozen broker in 2.5–5 s.
 */
export const defaultHeartbeat: HeartbeatOptions = { sendMs: 2000, expectMs: 1000, graceMs: 1500 };

/**
 * A console's session: the broker asked to beat every 500 ms (its silences then reach about 1 s) and
 * 5 s of silence tolerated. At 1,000 remotes on two cores the demo's console lost its session about
 * once a minute in two runs of three with the remotes' 2.5 s window (its own loop held 222 and 351 ms:
 * the broker went quiet, not the console; docs/architecture.md). The console is one connection carrying
 * the whole fleet's traffic, and a lost session resends what was in flight, so it waits longer before
 * judging; a killed broker still ends the session at once (the socket closes), only a frozen one takes
 * 5–10 s to notice. Two beats a second cost nothing on one connection; asked of every remote they would
 * double the broker's heart-beat writes.
 */
export const consoleHeartbeat: HeartbeatOptions = { sendMs: 2000, expectMs: 500, graceMs: 4500 };

export type AckMode = 'auto' | 'client-individual';

export interface SubscribeOptions {
  ack: AckMode;
  /** Bodies over this size are drained unread and delivered with `oversized: true`. */
  maxBodyBytes?: number;
  /** Extra SUBSCRIBE headers, e.g. `activemq.prefetchSize`. */
  headers?: Record<string, string>;
}

export interface InboundMessage {
  destination: string;
  headers: Readonly<Record<string, string>>;
  /** UTF-8 body, undefined when it was over the subscription's byte limit. */
  body: string | undefined;
  bytes: number;
  oversized: boolean;
  /** Client-individual subscriptions only; resolves on the broker's receipt. No-op for auto. */
  ack(): Promise<void>;
  nack(): Promise<void>;
}

export type MessageHandler = (message: InboundMessage) => void | Promise<void>;

/** A subscription registered on the connection, applied on every session it opens. */
export interface Subscription {
  id: number;
  destination: string;
  options: SubscribeOptions;
  handler: MessageHandler;
}

/**
 * How long a subscription id stays known after its UNSUBSCRIBE, to read and drop the messages the broker
 * had dispatched before it removed the consumer. ActiveMQ writes such a MESSAGE even after the
 * UNSUBSCRIBE's receipt (seen with the statistics plugin's replies to the Broker screen at 1,000 remotes),
 * and stompit ends the whole session on a MESSAGE for an id it no longer knows.
 */
export const RETIRED_SUBSCRIPTION_MS = 60_000;

/** What a session takes from the connection that opens it. */
export interface SessionContext {
  /** Who the connection is, in logs. */
  name: string;
  log: LogSink;
  broker: BrokerEndpoint;
  tls: TlsMaterial;
  transport: Transport;
  heartbeat: HeartbeatOptions;
  connectTimeoutMs: number;
  receiptTimeoutMs: number;
  now: () => number;
  /** The subscriptions to apply once the broker answers CONNECT. */
  subscriptions(): readonly Subscription[];
  /** Still registered: a message for a subscription dropped since is read and dropped. */
  isSubscribed(sub: Subscription): boolean;
  /** The broker confirmed every subscription: handlers may run. */
  onOpen(session: Session): void;
  /** stompit ended the session: the broker, the network, a timeout or a protocol fault. */
  onLost(session: Session, e: Error): void;
}

/**
 * One STOMP session with one broker: the thin driver of the machine in session-state.ts. It owns the
 * stompit client, the connect timer and the receipts; the connection decides what a loss means.
 */
export class Session {
  private current: SessionState = { kind: 'handshaking' };
  readonly client: stompit.Client;
  readonly receipts: Receipts;
  /** Messages read before the open, delivered once it completes (a queue's backlog comes at once). */
  private readonly held: (() => void)[] = [];
  private readonly connectTimer: NodeJS.Timeout;

  constructor(
    readonly brokerIndex: number,
    private readonly ctx: SessionContext,
  ) {
    const { broker, heartbeat: hb } = ctx;
    const socket = ctx.transport(broker, ctx.tls, () => {
      if (this.current.kind !== 'handshaking') return;
      this.client.connect({
        host: broker.host,
        'accept-version': '1.2',
        'heart-beat': `${hb.sendMs},${hb.expectMs}`,
      });
    });
    // stompit hands these options on to its frame parser and its socket too; its typings list only some.
    const options = {
      heartbeat: [hb.sendMs, hb.expectMs] as [number, number],
      heartbeatDelayMargin: hb.graceMs,
      outgoingFrameStream: new WholeFrameWriter(socket),
      ...STOMP_PARSER_LIMITS,
    };
    const client = new stompit.Client(socket, options);
    this.client = client;
    this.receipts = new Receipts(ctx.receiptTimeoutMs, ctx.now, (why) =>
      client.destroy(client.createTransportError(why)),
    );
    this.connectTimer = setTimeout(
      () =>
        client.destroy(
          client.createTransportError(
            `no session with ${broker.name} ${brokerUrl(broker)} within ${ctx.connectTimeoutMs} ms`,
          ),
        ),
      ctx.connectTimeoutMs,
    );
    client.on('error', (e: Error) => ctx.onLost(this, e));
    client.on('end', () => ctx.onLost(this, new Error('the broker closed the connection')));
    client.once('connect', () => this.onConnected());
  }

  get state(): SessionState {
    return this.current;
  }

  /** The broker answered CONNECT and the session has not ended: frames may be sent. */
  get sendsFrames(): boolean {
    return sendsFrames(this.current);
  }

  private apply(e: SessionEvent): void {
    const previous = this.current;
    this.current = transition(previous, e);
    if (this.current.kind === 'open' && previous.kind !== 'open') this.opened();
  }

  private onConnected(): void {
    if (this.current.kind !== 'handshaking') return;
    this.client.setCommandHandler('CONNECTED', (frame) => {
      (frame as unknown as Readable).resume();
      this.apply({ type: 'connected', subscriptions: 0 });
      // The machine ended the session; its loss reaches the connection through stompit, as any other.
      this.client.destroy(this.client.createProtocolError(CONNECTED_TWICE));
    });
    // The open counts only when the broker has confirmed every subscription, each by its own receipt:
    // a refused one arrives as an ERROR and fails the open instead of looping through connect-and-drop,
    // a lost one leaves its receipt missing until the connect timeout, and a repeated one (two consumers
    // where there should be one) answers twice, which stompit takes as an invalid receipt and ends.
    const subs = this.ctx.subscriptions();
    this.apply({ type: 'connected', subscriptions: subs.length });
    for (const sub of subs) this.subscribe(sub, () => this.apply({ type: 'subscribed' }));
  }

  private opened(): void {
    clearTimeout(this.connectTimer);
    this.ctx.onOpen(this);
    // Handlers answer on the connection (results, replies): they run once sends are allowed.
    for (const deliver of this.held.splice(0)) deliver();
  }

  /** SUBSCRIBE with a receipt of its own; `onConfirmed` runs on it. */
  subscribe(sub: Subscription, onConfirmed: () => void = () => undefined): void {
    this.client.setImplicitSubscription(sub.id, sub.options.ack, (err, frame) => {
      if (!err && frame) this.onMessage(sub, frame as StompMessage);
    });
    const headers = {
      ...sub.options.headers,
      destination: sub.destination,
      ack: sub.options.ack,
      id: String(sub.id),
    };
    const confirmed = this.receipts.expect(
      `the subscription to ${sub.destination}`,
      onConfirmed,
      () => undefined,
    );
    this.client.sendFrame('SUBSCRIBE', headers, receiptOption(confirmed)).end();
  }

  /**
   * UNSUBSCRIBE without stompit's own `unsubscribe()`, which forgets the id at the receipt: a message the
   * broker dispatched before removing the consumer may still come after it. The id stays registered for
   * RETIRED_SUBSCRIPTION_MS, so such a message is read and dropped (onMessage delivers only to live
   * subscriptions, and acknowledges nothing for a consumer the broker no longer has); then it is
   * forgotten, so a long session does not keep every id it ever used. A lost UNSUBSCRIBE shows as a
   * missing receipt and ends the session, as any frame's does.
   */
  retire(id: number): void {
    const done = this.receipts.expect(
      `the unsubscription ${id}`,
      () => undefined,
      () => undefined,
    );
    this.client.sendFrame('UNSUBSCRIBE', { id: String(id) }, receiptOption(done)).end();
    setTimeout(() => {
      // stompit has no public way to forget an id; its map of subscriptions is keyed by the id we chose.
      const known = (this.client as unknown as { _subscriptions: Record<string, unknown> })._subscriptions;
      Reflect.deleteProperty(known, String(id));
    }, RETIRED_SUBSCRIPTION_MS).unref();
  }

  /** Sends one frame; with `receipt`, resolves on the broker's receipt instead of the socket's write. */
  send(headers: Record<string, string>, body: Buffer, receipt: boolean, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (receipt) {
        const onReceipt = this.receipts.expect(what, resolve, reject);
        this.client.send(headers, receiptOption(onReceipt)).end(body);
      } else {
        this.client.send(headers).end(body, (e?: Error | null) => {
          if (e) reject(new SmtSessionLostError(what, e.message));
          else resolve();
        });
      }
    });
  }

  private onMessage(sub: Subscription, frame: StompMessage): void {
    const maxBytes = sub.options.maxBodyBytes ?? DEFAULT_MAX_FRAME_BYTES;
    readBody(frame, maxBytes).then(
      ({ bytes, body }) => {
        if (!this.ctx.isSubscribed(sub)) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(frame.headers)) {
          headers[k] = String(v);
        }
        const individual = sub.options.ack === 'client-individual';
        const message: InboundMessage = {
          destination: headers.destination ?? sub.destination,
          headers,
          body: body?.toString('utf8'),
          bytes,
          oversized: body === undefined,
          ack: () => (individual ? this.acknowledge(frame, 'ACK') : Promise.resolve()),
          nack: () => (individual ? this.acknowledge(frame, 'NACK') : Promise.resolve()),
        };
        const deliver = () =>
          Promise.resolve()
            .then(() => sub.handler(message))
            .catch((e: unknown) =>
              this.ctx.log({
                level: 'error',
                msg: `${this.ctx.name}: handler for ${sub.destination} failed`,
                error: errorText(e),
              }),
            );
        switch (messageFate(this.current)) {
          case 'deliver':
            void deliver();
            return;
          case 'hold':
            this.held.push(() => void deliver());
            return;
          case 'drop':
            return;
        }
      },
      (e: unknown) =>
        this.ctx.log({ level: 'warn', msg: `${this.ctx.name}: body read failed`, error: String(e) }),
    );
  }

  private acknowledge(frame: StompMessage, command: 'ACK' | 'NACK'): Promise<void> {
    if (!this.sendsFrames) {
      // The broker releases what a dead session held: the message will come again on the next one.
      return Promise.reject(new SmtSessionLostError(`the ${command}`, 'the message will be redelivered'));
    }
    return new Promise<void>((resolve, reject) => {
      const done = this.receipts.expect(`the ${command}`, resolve, reject);
      if (command === 'ACK') this.client.ack(frame, {}, receiptOption(done));
      else this.client.nack(frame, {}, receiptOption(done));
    });
  }

  /**
   * Ends the session politely: it takes no more frames at once, then DISCONNECT with its receipt (bounded
   * in time) if the broker had answered CONNECT. Receipts that come meanwhile still settle their frames.
   */
  async stop(timeoutMs: number): Promise<void> {
    const polite = this.sendsFrames;
    this.apply({ type: 'end', cause: 'connection stopped' });
    clearTimeout(this.connectTimer);
    this.receipts.stopWatching();
    if (polite) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        this.client.once('end', done);
        this.client.once('error', done);
        this.client.disconnect();
      });
    }
    this.end('connection stopped');
  }

  /** Ends the session: what it held is dropped, and every frame awaiting its receipt fails with `cause`. */
  end(cause: string): void {
    this.apply({ type: 'end', cause });
    clearTimeout(this.connectTimer);
    this.receipts.failAll(cause);
    this.held.length = 0;
    this.client.destroy(new Error(cause));
  }
}
