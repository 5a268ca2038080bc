import { createSecureContext, connect as tlsConnect, type SecureContext } from 'node:tls';
import type { Duplex, Readable } from 'node:stream';
import stompit from 'stompit';
import {
  defaultMachineConfig,
  transition,
  type ConnEvent,
  type ConnState,
  type MachineConfig,
} from '../../src-shared/connection/machine';
import { brokerUrl } from '../../src-shared/broker/address';
import type { BrokerEndpoint } from '../../src-shared/profile';
import { DEFAULT_MAX_FRAME_BYTES } from '../../src-shared/protocol';
import { silentLog, type LogSink } from '../log';
import type { TlsMaterial } from '../tls';
import { readBody } from './body';
import {
  CertificateRefusedError,
  SmtNotConnectedError,
  SmtSessionLostError,
  classifyOpenError,
} from './errors';
import { STOMP_PARSER_LIMITS, hardenStompitParser } from './frame-parser';
import { WholeFrameWriter } from './frame-writer';
import { processLoopStalls, type LoopStallMeter } from './loop-stall';

hardenStompitParser();

type StompClient = stompit.Client;
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

/** Opens the byte stream to one broker and calls `ready` once it can carry STOMP. */
export type Transport = (broker: BrokerEndpoint, tls: TlsMaterial, ready: () => void) => Duplex;

/**
 * One context per identity, made once: parsing the PEM key, certificate and CA into a new context took
 * 1.3 of the 3.5 ms of CPU a client's handshake cost, paid again by every remote on every reconnect of a
 * failover storm. New material (a renewed certificate) is a new object, so it gets a context of its own.
 */
const secureContexts = new WeakMap<TlsMaterial, SecureContext>();
function secureContextOf(tls: TlsMaterial): SecureContext {
  let context = secureContexts.get(tls);
  if (!context) {
    context = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    secureContexts.set(tls, context);
  }
  return context;
}

/**
 * Mutual TLS. With TLS 1.3 the client finishes its handshake one flight before the broker does, and
 * ActiveMQ 5.17's stomp+nio+ssl races on a frame that arrives while it completes the handshake: it
 * processed CONNECT twice ("Already connected."), not at all, or failed with bad_record_mac, in about 1
 * of 50 connects. The session ticket the broker sends once it has read our Finished says it is done, so
 * CONNECT waits for it (measured: 0 failures in 180 connects), or for a short fallback if none comes.
 *
 * The same ticket tells a refused certificate: stomp+nio+ssl sends no TLS alert when it refuses one
 * (another CA, expired, not yet valid, not for client auth); it reads our Finished and closes, before the
 * ticket it sends every accepted client. That close becomes a CertificateRefusedError, so the log says
 * why instead of "connection ended unexpectedly" (classifyOpenError decides how soon to retry).
 */
export const tlsTransport: Transport = (broker, tls, ready) => {
  let refusable = false;
  const socket = tlsConnect(
    { host: broker.host, port: broker.port, secureContext: secureContextOf(tls) },
    () => {
      if (socket.getProtocol() !== 'TLSv1.3') return ready();
      refusable = true;
      const go = () => {
        clearTimeout(fallback);
        socket.off('session', go);
        // Not from inside the 'session' event: a write made in OpenSSL's ticket callback was sent
        // with broken record protection (the broker saw bad_record_mac every time).
        setImmediate(ready);
      };
      const fallback = setTimeout(go, 100);
      socket.once('session', go);
      socket.once('close', () => clearTimeout(fallback));
    },
  );
  socket.once('session', () => (refusable = false));
  // Registered before stompit's listeners, so the refusal reaches the connection first; stompit then
  // ignores the plain end or reset of a client it has already destroyed. A close with our CONNECT unread
  // (sent on the fallback while a loaded broker still checks the certificate) arrives as a reset.
  const refused = () => {
    if (!refusable) return;
    refusable = false;
    socket.emit('error', new CertificateRefusedError(broker));
    socket.destroy();
  };
  socket.once('end', refused);
  socket.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNRESET') refused();
  });
  return socket;
};

export interface SmtConnectionOptions {
  /** Who this connection is, in logs: "console lab-console", "remote r-0001". */
  name: string;
  /** Primary first: it is tried first on every round. */
  brokers: readonly BrokerEndpoint[];
  tls: TlsMaterial;
  heartbeat?: Partial<HeartbeatOptions>;
  /** From the first byte to subscriptions confirmed; a broker slower than this is skipped. */
  connectTimeoutMs?: number;
  /**
   * A receipt (send, ack, subscribe) not back within this time means the broker lost the frame: the
   * session is ended and opened again, so what waits on it is retried instead of waiting forever.
   */
  receiptTimeoutMs?: number;
  machine?: Partial<Omit<MachineConfig, 'brokerCount'>>;
  log?: LogSink;
  random?: () => number;
  now?: () => number;
  transport?: Transport;
}

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

export interface SmtSubscription {
  readonly destination: string;
  unsubscribe(): void;
}

export interface SendOptions {
  /** Resolve only when the broker confirms (for persistent messages: stored). */
  receipt?: boolean;
  /**
   * With `receipt`: the sends of one turn of the event loop with this flag go in one STOMP transaction
   * (up to MAX_TRANSACTION_FRAMES), each resolving on its COMMIT's receipt. ActiveMQ handles one
   * connection's frames in order and stores a persistent SEND before it reads the next, so a fan-out of N
   * messages sent one by one waits for N journal writes in a row; committed together they are one.
   */
  grouped?: boolean;
}

/** Sends in one transaction at most: what one commit makes the broker hold in memory at once. */
export const MAX_TRANSACTION_FRAMES = 256;

/**
 * How long a subscription id stays known after its UNSUBSCRIBE, to read and drop the messages the broker
 * had dispatched before it removed the consumer. ActiveMQ writes such a MESSAGE even after the
 * UNSUBSCRIBE's receipt (seen with the statistics plugin's replies to the Broker screen at 1,000 remotes),
 * and stompit ends the whole session on a MESSAGE for an id it no longer knows.
 */
export const RETIRED_SUBSCRIPTION_MS = 60_000;

/** The grouped sends of this turn: one transaction, settled by its COMMIT's receipt. */
interface SendGroup {
  session: Session;
  transaction: string;
  frames: number;
  settle: { resolve: () => void; reject: (e: Error) => void }[];
}

export type StateListener = (state: ConnState, previous: ConnState) => void;
export type OpenedListener = (broker: BrokerEndpoint) => void | Promise<void>;

interface Registered {
  id: number;
  destination: string;
  options: SubscribeOptions;
  handler: MessageHandler;
}

interface Session {
  id: number;
  broker: number;
  client: StompClient;
  /** CONNECTED arrived: frames may be sent, subscriptions may be applied. */
  stomp: boolean;
  /** Every subscription confirmed: the machine is `connected`, handlers may run. */
  open: boolean;
  /** Messages that arrived between SUBSCRIBE and the open (a queue's backlog comes at once). */
  held: (() => void)[];
  connectTimer: NodeJS.Timeout;
  /** Each frame awaiting its receipt: how to fail its waiter, and when the receipt is overdue. */
  pending: Map<(cause: string) => void, number>;
  /** Ends the session when a receipt is overdue (see receiptTimeoutMs). */
  receiptWatch: NodeJS.Timeout;
}

/** stompit's typings make both callbacks mandatory; passing onError would add a listener per frame. */
const receiptOption = (onReceipt: () => void) => ({ onReceipt }) as stompit.Client.SendOptions;

/**
 * One SMT connection: a thin driver around the pure state machine of src-shared/connection/machine.ts.
 * It owns the socket and the timers; every state change goes through `transition`.
 */
export class SmtConnection {
  private readonly cfg: MachineConfig;
  private readonly hb: HeartbeatOptions;
  private readonly log: LogSink;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly transport: Transport;
  private readonly connectTimeoutMs: number;
  private readonly receiptTimeoutMs: number;
  private current: ConnState = { kind: 'idle' };
  private session: Session | undefined;
  private sessionSeq = 0;
  private group: SendGroup | undefined;
  private groupSeq = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly subs = new Map<number, Registered>();
  private subSeq = 0;
  private readonly stateListeners = new Set<StateListener>();
  private readonly openedListeners = new Set<OpenedListener>();
  /** Running from the first connection on, so a lost session can say whether this process was held. */
  private readonly loopStalls: LoopStallMeter = processLoopStalls();

  constructor(private readonly opts: SmtConnectionOptions) {
    if (opts.brokers.length === 0) throw new Error(`${opts.name}: no broker to connect to`);
    this.cfg = { ...defaultMachineConfig(opts.brokers.length), ...opts.machine };
    this.hb = { ...defaultHeartbeat, ...opts.heartbeat };
    this.log = opts.log ?? silentLog;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.transport = opts.transport ?? tlsTransport;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.receiptTimeoutMs = opts.receiptTimeoutMs ?? 30_000;
  }

  get state(): ConnState {
    return this.current;
  }

  get brokers(): readonly BrokerEndpoint[] {
    return this.opts.brokers;
  }

  /** The broker of the open session, if there is one. */
  get connectedBroker(): BrokerEndpoint | undefined {
    return this.current.kind === 'connected' ? this.opts.brokers[this.current.broker] : undefined;
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after every (re)connect, once subscriptions are in place: agents re-send hello here. */
  onOpened(listener: OpenedListener): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  start(): void {
    this.dispatch({ type: 'start', at: this.now() });
  }

  /** Ends the session politely (DISCONNECT with receipt, bounded in time) and stays idle. */
  async stop(timeoutMs = 2000): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.dispatch({ type: 'stop' });
    if (!s) return;
    clearTimeout(s.connectTimer);
    clearInterval(s.receiptWatch);
    if (s.stomp) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        s.client.once('end', done);
        s.client.once('error', done);
        s.client.disconnect();
      });
    }
    this.endSession(s, 'connection stopped');
  }

  /**
   * Registers a subscription for the life of this connection: it is applied now if a session is open
   * and again after every reconnect.
   */
  subscribe(destination: string, options: SubscribeOptions, handler: MessageHandler): SmtSubscription {
    const sub: Registered = { id: ++this.subSeq, destination, options, handler };
    this.subs.set(sub.id, sub);
    if (this.session?.stomp) this.applySubscription(this.session, sub);
    return {
      destination,
      unsubscribe: () => {
        this.subs.delete(sub.id);
        const s = this.session;
        if (s?.stomp) this.retire(s, sub.id);
      },
    };
  }

  /**
   * UNSUBSCRIBE without stompit's own `unsubscribe()`, which forgets the id at the receipt: a message the
   * broker dispatched before removing the consumer may still come after it. The id stays registered for
   * RETIRED_SUBSCRIPTION_MS, so such a message is read and dropped (onMessage delivers only to live
   * subscriptions, and acknowledges nothing for a consumer the broker no longer has); then it is
   * forgotten, so a long session does not keep every id it ever used. A lost UNSUBSCRIBE shows as a
   * missing receipt and ends the session, as any frame's does.
   */
  private retire(s: Session, id: number): void {
    const done = this.awaitReceipt(
      s,
      `the unsubscription ${id}`,
      () => undefined,
      () => undefined,
    );
    s.client.sendFrame('UNSUBSCRIBE', { id: String(id) }, receiptOption(done)).end();
    setTimeout(() => {
      // stompit has no public way to forget an id; its map of subscriptions is keyed by the id we chose.
      const known = (s.client as unknown as { _subscriptions: Record<string, unknown> })._subscriptions;
      Reflect.deleteProperty(known, String(id));
    }, RETIRED_SUBSCRIPTION_MS).unref();
  }

  /** Sends one frame with content-length set (a NUL byte in a body would otherwise end the frame). */
  send(
    destination: string,
    headers: Record<string, string>,
    body: string | Buffer,
    options: SendOptions = {},
  ): Promise<void> {
    const s = this.session;
    if (!s || this.current.kind !== 'connected') {
      return Promise.reject(new SmtNotConnectedError(this.current.kind));
    }
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const frameHeaders = { ...headers, destination, 'content-length': String(buf.length) };
    if (options.receipt && options.grouped) return this.sendGrouped(s, frameHeaders, buf);
    return new Promise<void>((resolve, reject) => {
      if (options.receipt) {
        const onReceipt = this.awaitReceipt(s, `the message to ${destination}`, resolve, reject);
        s.client.send(frameHeaders, receiptOption(onReceipt)).end(buf);
      } else {
        s.client.send(frameHeaders).end(buf, (e?: Error | null) => {
          if (e) reject(new SmtSessionLostError(`the message to ${destination}`, e.message));
          else resolve();
        });
      }
    });
  }

  private sendGrouped(s: Session, headers: Record<string, string>, body: Buffer): Promise<void> {
    let group = this.group;
    if (!group || group.session !== s || group.frames >= MAX_TRANSACTION_FRAMES) {
      group = this.beginGroup(s);
    }
    s.client.send({ ...headers, transaction: group.transaction }).end(body);
    group.frames++;
    const settle = group.settle;
    return new Promise<void>((resolve, reject) => settle.push({ resolve, reject }));
  }

  private beginGroup(s: Session): SendGroup {
    const group: SendGroup = { session: s, transaction: `smt-tx-${++this.groupSeq}`, frames: 0, settle: [] };
    this.group = group;
    // Registered now: a session that ends before the COMMIT's receipt fails every send in it.
    const done = this.awaitReceipt(
      s,
      `a transaction of messages (${group.transaction})`,
      () => group.settle.forEach((w) => w.resolve()),
      (e) => group.settle.forEach((w) => w.reject(e)),
    );
    s.client.sendFrame('BEGIN', { transaction: group.transaction }).end();
    setImmediate(() => {
      if (this.group === group) this.group = undefined;
      if (this.session !== s) return;
      s.client.sendFrame('COMMIT', { transaction: group.transaction }, receiptOption(done)).end();
    });
    return group;
  }

  private dispatch(event: ConnEvent): void {
    const previous = this.current;
    const next = transition(this.cfg, previous, event);
    if (next === previous) return;
    this.current = next;
    this.enter(next);
    for (const l of this.stateListeners) {
      try {
        l(next, previous);
      } catch (e) {
        this.log({ level: 'error', msg: `${this.opts.name}: state listener failed`, error: String(e) });
      }
    }
    if (next.kind === 'connected') {
      const broker = this.opts.brokers[next.broker];
      if (broker) for (const l of this.openedListeners) this.runOpened(l, broker);
    }
  }

  private runOpened(listener: OpenedListener, broker: BrokerEndpoint): void {
    Promise.resolve()
      .then(() => listener(broker))
      .catch((e: unknown) =>
        this.log({ level: 'warn', msg: `${this.opts.name}: opened hook failed`, error: String(e) }),
      );
  }

  private enter(next: ConnState): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    switch (next.kind) {
      case 'connecting':
        this.open(next.broker);
        return;
      case 'backoff': {
        this.dropSession('backing off');
        const delay = Math.max(0, next.retryAt - this.now());
        this.retryTimer = setTimeout(() => this.dispatch({ type: 'retryDue', at: this.now() }), delay);
        return;
      }
      case 'idle':
      case 'failed':
        this.dropSession(next.kind === 'idle' ? 'connection stopped' : next.lastError);
        return;
      case 'connected':
        return;
    }
  }

  private dropSession(cause: string): void {
    const s = this.session;
    this.session = undefined;
    if (s) this.endSession(s, cause);
  }

  private endSession(s: Session, cause: string): void {
    clearTimeout(s.connectTimer);
    clearInterval(s.receiptWatch);
    for (const fail of s.pending.keys()) fail(cause);
    s.pending.clear();
    s.client.destroy(new Error(cause));
  }

  private open(brokerIndex: number): void {
    this.dropSession('reconnecting');
    const broker = this.opts.brokers[brokerIndex];
    if (!broker) throw new Error(`${this.opts.name}: no broker #${brokerIndex}`);
    const id = ++this.sessionSeq;
    const socket = this.transport(broker, this.opts.tls, () => {
      if (this.session?.id !== id) return;
      client.connect({
        host: broker.host,
        'accept-version': '1.2',
        'heart-beat': `${this.hb.sendMs},${this.hb.expectMs}`,
      });
    });
    // stompit hands these options on to its frame parser and its socket too; its typings list only some.
    const options = {
      heartbeat: [this.hb.sendMs, this.hb.expectMs] as [number, number],
      heartbeatDelayMargin: this.hb.graceMs,
      outgoingFrameStream: new WholeFrameWriter(socket),
      ...STOMP_PARSER_LIMITS,
    };
    const client = new stompit.Client(socket, options);
    const session: Session = {
      id,
      broker: brokerIndex,
      client,
      stomp: false,
      open: false,
      held: [],
      pending: new Map(),
      receiptWatch: setInterval(
        () => this.checkReceipts(session),
        Math.max(50, Math.min(5_000, this.receiptTimeoutMs / 4)),
      ),
      connectTimer: setTimeout(
        () =>
          client.destroy(
            client.createTransportError(
              `no session with ${broker.name} ${brokerUrl(broker)} within ${this.connectTimeoutMs} ms`,
            ),
          ),
        this.connectTimeoutMs,
      ),
    };
    this.session = session;
    client.on('error', (e: Error) => this.onSessionEnd(session, e));
    client.on('end', () => this.onSessionEnd(session, new Error('the broker closed the connection')));
    client.once('connect', () => this.onStompConnected(session));
  }

  private onStompConnected(s: Session): void {
    if (this.session !== s) return;
    s.stomp = true;
    // ActiveMQ 5.17's stomp+nio+ssl now and then handles a frame that arrives early in a session twice,
    // or not at all (docs/architecture.md). A second CONNECTED is the first sign of it: whatever else
    // it repeated or lost is unknown, so the session is not used.
    s.client.setCommandHandler('CONNECTED', (frame) => {
      (frame as unknown as Readable).resume();
      s.client.destroy(
        s.client.createProtocolError('the broker answered CONNECT twice: the session is opened again'),
      );
    });
    const subs = [...this.subs.values()];
    const opened = () => {
      if (this.session !== s || this.current.kind !== 'connecting') return;
      clearTimeout(s.connectTimer);
      s.open = true;
      this.dispatch({ type: 'opened', at: this.now() });
      // Handlers answer on the connection (results, replies): they run once sends are allowed.
      for (const deliver of s.held.splice(0)) deliver();
    };
    // The open counts only when the broker has confirmed every subscription, each by its own receipt:
    // a refused one arrives as an ERROR and fails the open instead of looping through connect-and-drop,
    // a lost one leaves its receipt missing until the connect timeout, and a repeated one (two consumers
    // where there should be one) answers twice, which stompit takes as an invalid receipt and ends.
    let unconfirmed = subs.length;
    if (unconfirmed === 0) opened();
    for (const sub of subs) {
      this.applySubscription(s, sub, () => {
        if (--unconfirmed === 0) opened();
      });
    }
  }

  private applySubscription(s: Session, sub: Registered, onConfirmed: () => void = () => undefined): void {
    s.client.setImplicitSubscription(sub.id, sub.options.ack, (err, frame) => {
      if (!err && frame) this.onMessage(s, sub, frame as StompMessage);
    });
    const headers = {
      ...sub.options.headers,
      destination: sub.destination,
      ack: sub.options.ack,
      id: String(sub.id),
    };
    const confirmed = this.awaitReceipt(
      s,
      `the subscription to ${sub.destination}`,
      onConfirmed,
      () => undefined,
    );
    s.client.sendFrame('SUBSCRIBE', headers, receiptOption(confirmed)).end();
  }

  private onMessage(s: Session, sub: Registered, frame: StompMessage): void {
    const maxBytes = sub.options.maxBodyBytes ?? DEFAULT_MAX_FRAME_BYTES;
    readBody(frame, maxBytes).then(
      ({ bytes, body }) => {
        if (!this.subs.has(sub.id)) return;
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
          ack: () => (individual ? this.acknowledge(s, frame, 'ACK') : Promise.resolve()),
          nack: () => (individual ? this.acknowledge(s, frame, 'NACK') : Promise.resolve()),
        };
        const deliver = () =>
          Promise.resolve()
            .then(() => sub.handler(message))
            .catch((e: unknown) =>
              this.log({
                level: 'error',
                msg: `${this.opts.name}: handler for ${sub.destination} failed`,
                error: e instanceof Error ? e.message : String(e),
              }),
            );
        if (s.open) void deliver();
        else s.held.push(() => void deliver());
      },
      (e: unknown) =>
        this.log({ level: 'warn', msg: `${this.opts.name}: body read failed`, error: String(e) }),
    );
  }

  private acknowledge(s: Session, frame: StompMessage, command: 'ACK' | 'NACK'): Promise<void> {
    if (this.session !== s || !s.stomp) {
      // The broker releases what a dead session held: the message will come again on the next one.
      return Promise.reject(new SmtSessionLostError(`the ${command}`, 'the message will be redelivered'));
    }
    return new Promise<void>((resolve, reject) => {
      const done = this.awaitReceipt(s, `the ${command}`, resolve, reject);
      if (command === 'ACK') s.client.ack(frame, {}, receiptOption(done));
      else s.client.nack(frame, {}, receiptOption(done));
    });
  }

  /**
   * Registers a frame that waits for its receipt: the returned callback settles it; the end of the
   * session, or a receipt overdue by receiptTimeoutMs (which ends the session), rejects it.
   */
  private awaitReceipt(
    s: Session,
    what: string,
    resolve: () => void,
    reject: (e: Error) => void,
  ): () => void {
    const fail = (cause: string) => reject(new SmtSessionLostError(what, cause));
    s.pending.set(fail, this.now() + this.receiptTimeoutMs);
    return () => {
      s.pending.delete(fail);
      resolve();
    };
  }

  /** Ends a session whose broker has left a receipt unanswered too long: it lost that frame. */
  private checkReceipts(s: Session): void {
    const now = this.now();
    for (const due of s.pending.values()) {
      if (due > now) continue;
      s.client.destroy(
        s.client.createTransportError(
          `the broker confirmed nothing for ${this.receiptTimeoutMs} ms: it lost a frame, so the session is opened again`,
        ),
      );
      return;
    }
  }

  private onSessionEnd(s: Session, e: Error): void {
    if (this.session !== s) return;
    this.session = undefined;
    const at = this.now();
    if (this.current.kind === 'connecting') {
      const { error, auth } = classifyOpenError(e, this.opts.tls.notAfter, at);
      const broker = this.opts.brokers[s.broker];
      this.log({
        level: auth ? 'error' : 'info',
        msg: `${this.opts.name}: cannot open a session with ${broker?.name ?? s.broker}`,
        error,
      });
      this.endSession(s, error);
      this.dispatch({ type: 'openFailed', at, error, auth, jitter: this.random() });
    } else {
      const { error } = classifyOpenError(e);
      // A loop held past a heart-beat window ends a session as a silent broker does: say which it may be.
      const loopHeldMs = this.loopStalls.recentMaxMs();
      this.log({ level: 'warn', msg: `${this.opts.name}: session lost`, error, loopHeldMs });
      this.endSession(s, error);
      this.dispatch({ type: 'lost', at, error });
    }
  }
}
