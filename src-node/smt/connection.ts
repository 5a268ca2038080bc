import {
  defaultMachineConfig,
  transition,
  type ConnEvent,
  type ConnState,
  type MachineConfig,
} from '../../src-shared/connection/machine';
import type { BrokerEndpoint } from '../../src-shared/profile';
import { silentLog, type LogSink } from '../log';
import type { TlsMaterial } from '../tls';
import { SmtNotConnectedError, classifyOpenError } from './errors';
import { processLoopStalls, type LoopStallMeter } from './loop-stall';
import { SendGroups } from './send-group';
import {
  Session,
  defaultHeartbeat,
  type HeartbeatOptions,
  type MessageHandler,
  type SubscribeOptions,
  type Subscription,
} from './session';
import { tlsTransport, type Transport } from './tls-transport';

export { MAX_TRANSACTION_FRAMES } from './send-group';
export {
  RETIRED_SUBSCRIPTION_MS,
  consoleHeartbeat,
  defaultHeartbeat,
  type AckMode,
  type HeartbeatOptions,
  type InboundMessage,
  type MessageHandler,
  type SubscribeOptions,
} from './session';
export { tlsTransport, type Transport } from './tls-transport';

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

export interface SmtSubscription {
  readonly destination: string;
  unsubscribe(): void;
}

export interface SendOptions {
  /** Resolve only when the broker confirms (for persistent messages: stored). */
  receipt?: boolean;
  /**
   * With `receipt`: the sends of one turn of the event loop with this flag go in one STOMP transaction,
   * each resolving on its COMMIT's receipt (send-group.ts says why).
   */
  grouped?: boolean;
}

export type StateListener = (state: ConnState, previous: ConnState) => void;
export type OpenedListener = (broker: BrokerEndpoint) => void | Promise<void>;

/**
 * One SMT connection: a thin driver around the pure state machine of src-shared/connection/machine.ts.
 * It owns the current session (session.ts) and the retry timer; every state change goes through
 * `transition`.
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
  private readonly groups = new SendGroups();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly subs = new Map<number, Subscription>();
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
    if (s) await s.stop(timeoutMs);
  }

  /**
   * Registers a subscription for the life of this connection: it is applied now if a session is open
   * and again after every reconnect.
   */
  subscribe(destination: string, options: SubscribeOptions, handler: MessageHandler): SmtSubscription {
    const sub: Subscription = { id: ++this.subSeq, destination, options, handler };
    this.subs.set(sub.id, sub);
    if (this.session?.sendsFrames) this.session.subscribe(sub);
    return {
      destination,
      unsubscribe: () => {
        this.subs.delete(sub.id);
        const s = this.session;
        if (s?.sendsFrames) s.retire(sub.id);
      },
    };
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
    if (options.receipt && options.grouped) return this.groups.send(s, frameHeaders, buf);
    return s.send(frameHeaders, buf, options.receipt === true, `the message to ${destination}`);
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
    s?.end(cause);
  }

  private open(brokerIndex: number): void {
    this.dropSession('reconnecting');
    const broker = this.opts.brokers[brokerIndex];
    if (!broker) throw new Error(`${this.opts.name}: no broker #${brokerIndex}`);
    this.session = new Session(brokerIndex, {
      name: this.opts.name,
      log: this.log,
      broker,
      tls: this.opts.tls,
      transport: this.transport,
      heartbeat: this.hb,
      connectTimeoutMs: this.connectTimeoutMs,
      receiptTimeoutMs: this.receiptTimeoutMs,
      now: this.now,
      subscriptions: () => [...this.subs.values()],
      isSubscribed: (sub) => this.subs.has(sub.id),
      onOpen: (s) => {
        if (this.session === s) this.dispatch({ type: 'opened', at: this.now() });
      },
      onLost: (s, e) => this.onSessionEnd(s, e),
    });
  }

  private onSessionEnd(s: Session, e: Error): void {
    if (this.session !== s) return;
    this.session = undefined;
    const at = this.now();
    if (this.current.kind === 'connecting') {
      const { error, auth } = classifyOpenError(e, this.opts.tls.notAfter, at);
      const broker = this.opts.brokers[s.brokerIndex];
      this.log({
        level: auth ? 'error' : 'info',
        msg: `${this.opts.name}: cannot open a session with ${broker?.name ?? s.brokerIndex}`,
        error,
      });
      s.end(error);
      this.dispatch({ type: 'openFailed', at, error, auth, jitter: this.random() });
    } else {
      const { error } = classifyOpenError(e);
      // A loop held past a heart-beat window ends a session as a silent broker does: say which it may be.
      const loopHeldMs = this.loopStalls.recentMaxMs();
      this.log({ level: 'warn', msg: `${this.opts.name}: session lost`, error, loopHeldMs });
      s.end(error);
      this.dispatch({ type: 'lost', at, error });
    }
  }
}
