import { setTimeout as delay } from 'node:timers/promises';
import type { ConnState } from '../../src-shared/connection/machine';
import type { EventName, EventPayload } from '../../src-shared/ipc/contract';
import type { ConnectionStatus, RejectCounters } from '../../src-shared/ipc/views';
import type { ConsoleProfile } from '../../src-shared/profile';
import {
  MAX_CONFIG_FRAME_BYTES,
  MessageId,
  RemoteId,
  destinations,
  makeEnvelope,
  newReplySession,
  replySessionPattern,
  remoteTopicKinds,
  type Body,
  type Envelope,
} from '../../src-shared/protocol';
import { silentLog, type LogSink } from '../../src-node/log';
import { turnBatcher } from '../../src-node/turn-batch';
import {
  InboundGuard,
  SenderBuckets,
  SmtConnection,
  SmtNotConnectedError,
  SmtSessionLostError,
  brokerUrl,
  publish,
  type InboundMessage,
  type RateLimit,
  type SmtConnectionOptions,
} from '../../src-node/smt';
import { loadConfigSigner, signConfig, type ConfigSigner } from '../../src-node/crypto/config-signature';
import { loadTlsMaterial, type TlsMaterial } from '../../src-node/tls';
import type { KeyPolicy, KeySealer } from '../../src-node/secrets';
import { BrokerHealthWatch } from './broker-health';
import { FleetModel, type FleetEnvelope, type FleetModelOptions } from './fleet-model';
import { FleetPatcher } from './fleet-patcher';
import { loadConsoleProfile } from './profile';
import { PendingQueries } from './queries';
import { Relearner, type RelearnOptions } from './relearn';

export interface ConsoleCoreOptions {
  profile: ConsoleProfile;
  /** Already loaded material; by default it is read from the profile's TLS files at start. */
  tls?: TlsMaterial;
  /** Already loaded signing key; by default it is read from the profile's signing files at start. */
  signer?: ConfigSigner;
  /** What opens the profile's sealed key files at start (a passphrase, the OS keyring); never kept. */
  sealers?: readonly KeySealer[];
  log?: LogSink;
  now?: () => number;
  /** This core's reply session (replySessionPattern); a fresh random one by default. For tests. */
  replySession?: string;
  /** At most one fleet patch per this many ms. */
  patchIntervalMs?: number;
  /** How often presence lapses are checked. */
  sweepIntervalMs?: number;
  fleet?: Partial<FleetModelOptions>;
  /** Asking remotes for the hello this core missed (rate and burst limits). */
  relearn?: Partial<RelearnOptions>;
  /** What one remote may publish on the live topics; frames over it are dropped before they are decoded. */
  liveRate?: RateLimit;
  connection?: Partial<
    Pick<SmtConnectionOptions, 'heartbeat' | 'connectTimeoutMs' | 'machine' | 'random' | 'transport'>
  >;
}

/**
 * The contract's events the core itself emits: push progress comes from the push engine beside it, and
 * `profileChanged` from the ConsoleService, which swaps cores.
 */
export type CoreEventName = Extract<EventName, 'fleetPatch' | 'connectionChanged'>;
type Listener<E extends CoreEventName> = (payload: EventPayload<E>) => void;

/**
 * After a withdrawn copy, how long more copies of the same message may take to come: a send retried
 * after a lost receipt is stored twice under one smt-id (new broker message ids), and a consumer with a
 * prefetch of 1 gets the next one only after its ack of the last.
 */
const WITHDRAW_QUIET_MS = 100;
/**
 * A result listener may throw an error marked `retryable: true` (the outbox's disk is full, see
 * store/unwritable.ts): the results of that batch are then kept unacknowledged and handed to the listeners
 * again after these waits (doubling), instead of being acknowledged and lost.
 */
type ResultsListener = (results: readonly Envelope<'result'>[]) => void;
const RESULT_RETRY_MS = { first: 1_000, max: 30_000 };
const isRetryable = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;
type FleetListener = (env: FleetEnvelope, at: number) => void;

/**
 * What one remote may publish on the live topics (stats, presence, usage). An agent at its shortest
 * intervals sends 4 samples a second (stats 1 s, presence 0.5 s, usage 1 s), a simulated one in the tests
 * up to 10; the burst absorbs what piles up while the console's event loop is busy. A dropped sample
 * costs only that remote's freshness: the next one replaces it. Persistent channels are not limited here:
 * a console coming back reads a backlog at full speed, and a limit by arrival time would drop real hellos
 * and events from it (docs/reliability.md).
 */
export const defaultLiveRate: RateLimit = { perSecond: 50, burst: 200 };

/** Topics carry non-persistent samples: the newest wins, nothing to acknowledge. */
const liveKinds = remoteTopicKinds.filter((k): k is 'stats' | 'presence' | 'usage' => k !== 'log');

/** A result frame as read, with its envelope if the guard let it through (a rejected one is still acked). */
interface ResultFrame {
  env: Envelope<'result'> | undefined;
  m: InboundMessage;
}

/**
 * The console's core under plain Node: one SMT connection and the fleet model fed from it. The IPC
 * contract is served over it, the profile's database and the rest by the ConsoleService (service/).
 */
export class ConsoleCore {
  readonly fleet: FleetModel;
  /**
   * This core's name on its reply queues, the same across reconnects: a reply in flight during a
   * failover still reaches it. Another process on the profile (the host beside `smt`) has its own, so
   * the broker never hands one's replies to the other (docs/architecture.md "Decisions").
   */
  readonly replySession: string;
  readonly guard: InboundGuard;
  readonly relearn: Relearner;
  /** The active broker's heap and file-descriptor health, from its own reports. */
  readonly brokerHealth: BrokerHealthWatch;
  private readonly queries: PendingQueries;
  private readonly liveRate: SenderBuckets;
  private readonly log: LogSink;
  private readonly now: () => number;
  private readonly patcher: FleetPatcher;
  private conn: SmtConnection | undefined;
  private signer: ConfigSigner | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastBroker: number | undefined;
  private lastFailoverAt: number | null = null;
  private readonly listeners: { [E in CoreEventName]: Set<Listener<E>> } = {
    fleetPatch: new Set(),
    connectionChanged: new Set(),
  };
  private readonly resultListeners = new Set<ResultsListener>();
  /** Result messages of this turn of the event loop: handed to the listeners together, then acked. */
  private readonly gatherResult = turnBatcher<ResultFrame>((batch) => this.flushResults(batch));
  private readonly fleetListeners = new Set<FleetListener>();
  /** Aborted at stop: ends the waits of results kept for another try (they stay unacknowledged). */
  private stopping = new AbortController();

  static async fromProfileFile(
    file: string,
    opts: Omit<ConsoleCoreOptions, 'profile'> = {},
  ): Promise<ConsoleCore> {
    return new ConsoleCore({ ...opts, profile: await loadConsoleProfile(file) });
  }

  constructor(private readonly opts: ConsoleCoreOptions) {
    this.log = opts.log ?? silentLog;
    this.now = opts.now ?? Date.now;
    if (opts.replySession !== undefined && !replySessionPattern.test(opts.replySession)) {
      throw new Error(`reply session ${JSON.stringify(opts.replySession)} is not 12 of a-z and 0-9`);
    }
    this.replySession = opts.replySession ?? newReplySession();
    this.fleet = new FleetModel(opts.fleet);
    this.guard = new InboundGuard(`console ${opts.profile.consoleId}`, this.log, undefined, this.now);
    this.liveRate = new SenderBuckets(opts.liveRate ?? defaultLiveRate);
    this.brokerHealth = new BrokerHealthWatch(this.log, this.now);
    this.patcher = new FleetPatcher(
      this.fleet,
      (patch) => this.emit('fleetPatch', patch),
      this.now,
      opts.patchIntervalMs ?? 250,
    );
    this.relearn = new Relearner(
      {
        consoleId: opts.profile.consoleId,
        now: this.now,
        log: this.log,
        send: (rid, query) => this.sendQuery(rid, query),
        learn: (rid, hello, reply) =>
          this.heard(makeEnvelope('hello', rid, hello, { id: reply.id, ts: reply.ts })),
      },
      opts.relearn,
    );
    this.queries = new PendingQueries({
      consoleId: opts.profile.consoleId,
      now: this.now,
      log: this.log,
      send: (rid, query) => this.sendQuery(rid, query),
    });
  }

  get consoleId(): string {
    return this.opts.profile.consoleId;
  }

  /** The profile's brokers, primary first. */
  get brokers(): ConsoleProfile['brokers'] {
    return this.opts.profile.brokers;
  }

  /** Where remotes answer this core's queries. */
  get replyQueue(): string {
    return destinations.consoleReply(this.consoleId, this.replySession);
  }

  /** Where the broker's statistics plugin answers this core (broker-stats.ts). */
  get statsReplyQueue(): string {
    return destinations.consoleStats(this.consoleId, this.replySession);
  }

  /** The broker session, for side requests outside the SMT protocol (broker-stats.ts); none before start. */
  get connection(): SmtConnection | undefined {
    return this.conn;
  }

  /**
   * Loads the TLS material (a bad file throws TlsMaterialError here) and the signing key (SignerError),
   * both keys unsealed in memory (SealedKeyError),
   * and starts connecting.
   */
  async start(): Promise<void> {
    if (this.conn) return;
    const { profile } = this.opts;
    // A console's keys are sealed at rest (docs/security.md); a plain key file is refused.
    const keys: KeyPolicy = { sealed: true, profile: profile.name, sealers: this.opts.sealers ?? [] };
    const tls = this.opts.tls ?? (await loadTlsMaterial(profile.tls, new Date(), keys));
    this.signer =
      this.opts.signer ??
      (profile.signing ? await loadConfigSigner(profile.signing, new Date(), keys) : undefined);
    const conn = new SmtConnection({
      ...this.opts.connection,
      name: `console ${profile.consoleId}`,
      brokers: profile.brokers,
      tls,
      log: this.log,
      now: this.now,
    });
    this.conn = conn;
    conn.onState((state, previous) => this.onState(state, previous));
    // Every process of this console id shares these two queues (and the profile's database).
    conn.subscribe(
      destinations.consoleFleet(profile.consoleId, 'inventory'),
      { ack: 'client-individual' },
      (m) => this.take(m, ['hello'], true),
    );
    for (const kind of liveKinds) {
      conn.subscribe(destinations.allRemotesTopic(kind), { ack: 'auto' }, (m) =>
        this.take(m, [kind], false, this.liveRate),
      );
    }
    conn.subscribe(
      destinations.consoleFleet(profile.consoleId, 'events'),
      { ack: 'client-individual' },
      (m) => this.take(m, ['event'], true),
    );
    conn.subscribe(destinations.brokerHealth(), { ack: 'auto' }, (m) => this.brokerHealth.take(m));
    conn.subscribe(destinations.consoleResult(profile.consoleId), { ack: 'client-individual' }, (m) =>
      this.takeResult(m),
    );
    // A config query's reply may carry a whole zone: the config channel's frame limit, not the default.
    const replyLimit = { maxBodyBytes: MAX_CONFIG_FRAME_BYTES };
    conn.subscribe(this.replyQueue, { ack: 'auto', ...replyLimit }, (m) => {
      const env = this.guard.check(m, ['reply'], { from: 'remote', maxBytes: MAX_CONFIG_FRAME_BYTES });
      if (env && !this.queries.take(env)) this.relearn.reply(env);
    });
    this.sweepTimer = setInterval(() => {
      if (this.fleet.sweep(this.now()) > 0) this.patcher.poke();
      this.relearn.sweep();
    }, this.opts.sweepIntervalMs ?? 500);
    conn.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.stopping.abort();
    this.stopping = new AbortController();
    this.queries.close('the console core stopped');
    this.relearn.setReady(false);
    this.patcher.stop();
    const conn = this.conn;
    this.conn = undefined;
    await conn?.stop();
  }

  connectionStatus(): ConnectionStatus {
    return {
      brokers: this.opts.profile.brokers.map((b) => ({ name: b.name, url: brokerUrl(b) })),
      state: this.conn?.state ?? { kind: 'idle' },
      lastFailoverAt: this.lastFailoverAt,
      consoleId: this.consoleId,
    };
  }

  rejects(): RejectCounters {
    return this.guard.counters();
  }

  subscribe<E extends CoreEventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>> | undefined;
    if (!set) throw new Error(`unknown event "${String(event)}"`);
    set.add(listener);
    return () => void set.delete(listener);
  }

  /**
   * Results (delivered / applied / failed …) from remotes, in batches: those that arrived in one turn of
   * the event loop, so a listener can store a burst of a thousand in one transaction. Acknowledged after
   * every listener ran; listeners run in the order they were added.
   */
  onResults(listener: ResultsListener): () => void {
    this.resultListeners.add(listener);
    return () => void this.resultListeners.delete(listener);
  }

  /** One result at a time, for listeners that do not store a burst together (onResults). */
  onResult(listener: (result: Envelope<'result'>) => void): () => void {
    return this.onResults((results) => {
      let later: unknown;
      for (const r of results) {
        const retryable = this.runListener(() => listener(r));
        later ??= retryable;
      }
      // The batch is offered again (flushResults); the results this listener took must be repeats to it.
      if (later) throw later;
    });
  }

  /**
   * Every fleet message the model took (a relearned hello too), with the console time it was taken: what
   * the console's memory of its fleet (push/remember-fleet.ts), the trend recorder and the event store are
   * written from. Inventory and event messages are acknowledged after the listeners ran, so what a
   * listener stores synchronously is never lost to a crash.
   */
  onFleetMessage(listener: FleetListener): () => void {
    this.fleetListeners.add(listener);
    return () => void this.fleetListeners.delete(listener);
  }

  /**
   * Remotes known from before this session (their stored hellos): known and selectable until they speak.
   * Returns the ids taken (a remote already heard this session keeps what it said).
   */
  remember(remotes: Iterable<{ id: string; hello: Body<'hello'>; lastSeen: number }>): string[] {
    const added: string[] = [];
    for (const r of remotes) if (this.fleet.remember(r.id, r.hello, r.lastSeen)) added.push(r.id);
    if (added.length > 0) this.patcher.poke();
    return added;
  }

  /**
   * Sends one persistent config message to a remote's queue and resolves once the broker has stored it
   * (its receipt); the queue keeps it for a remote that is offline. The body is signed for this remote
   * and this message id: agents refuse anything else. `id` resends a message under its smt-id (the push
   * engine's outbox), so an agent that already has it answers from its ledger.
   */
  async sendConfig(
    remoteId: string,
    body: Body<'config'>,
    opts: { id?: string; expiresAt?: number } = {},
  ): Promise<Envelope<'config'>> {
    const rid = RemoteId.parse(remoteId);
    const conn = this.conn;
    if (!conn) throw new Error('the console core is not started');
    const signer = this.signer;
    if (!signer) {
      throw new Error(
        `profile "${this.opts.profile.name}" has no signing key: add "signing": {"certFile": …, "keyFile": …} ` +
          'to it (agents refuse unsigned configuration)',
      );
    }
    // Signed after the schema's parse, so the signature covers exactly what the agent's parse yields.
    const unsigned = makeEnvelope('config', this.consoleId, body, { id: opts.id, ts: this.now() });
    const env = { ...unsigned, body: signConfig(signer, rid, unsigned.id, unsigned.body) };
    await publish(conn, destinations.remoteQueue(rid, 'config'), env, {
      receipt: true,
      grouped: true,
      ...(opts.expiresAt === undefined ? {} : { expiresAt: opts.expiresAt }),
    });
    return env;
  }

  /**
   * Asks one remote a query and resolves with its reply (which may say `ok: false` and why). Rejects with
   * QueryTimeoutError naming the remote when none comes within `timeoutMs` (queries are not kept for an
   * offline remote), with QueryBusyError when too many queries wait already, or when it cannot be sent.
   */
  query(remoteId: string, body: Body<'query'>, opts: { timeoutMs: number }): Promise<Body<'reply'>> {
    const rid = RemoteId.safeParse(remoteId);
    if (!rid.success) return Promise.reject(new Error(`"${remoteId}" is not a remote id`));
    return this.queries.ask(rid.data, body, opts);
  }

  /**
   * Takes a config message back out of a remote's queue while it still waits there: a consumer with a
   * selector on its correlation-id (the smt-id, see stompHeadersFor) gets just that message, and its
   * acknowledgement, once the broker receipts it, removes it. Resolves true when at least one copy was
   * withdrawn; false when none came within `timeoutMs`: the remote's consumer has it (dispatched, maybe
   * not yet acknowledged), or it never reached the broker, or the broker dropped it at its expiry, or it
   * sits behind more messages than the broker pages in for a selector (maxPageSize, 200 by default).
   * Rejects when there is no broker session, or the session ends before the withdrawal is over.
   */
  withdrawConfig(remoteId: string, smtId: string, timeoutMs: number): Promise<boolean> {
    const rid = RemoteId.parse(remoteId);
    const id = MessageId.parse(smtId);
    const conn = this.conn;
    if (!conn || conn.state.kind !== 'connected') {
      return Promise.reject(new SmtNotConnectedError(conn?.state.kind ?? 'idle'));
    }
    return new Promise<boolean>((resolve, reject) => {
      let withdrawn = 0;
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        offState();
        sub.unsubscribe();
        outcome();
      };
      // Without a session nothing can come: saying "not there" would be a guess.
      const offState = conn.onState((state) => {
        if (state.kind !== 'connected') {
          finish(() =>
            withdrawn > 0
              ? resolve(true)
              : reject(new SmtSessionLostError(`the withdrawal of ${id}`, `connection is ${state.kind}`)),
          );
        }
      });
      // Until the first copy: the whole timeout; after each: a short wait for another copy.
      const wait = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(() => resolve(withdrawn > 0)), ms);
      };
      const sub = conn.subscribe(
        destinations.remoteQueue(rid, 'config'),
        {
          ack: 'client-individual',
          // One message at a time, so nothing else is held from the remote while this consumer exists.
          headers: { selector: `JMSCorrelationID = '${id}'`, 'activemq.prefetchSize': '1' },
        },
        async (m) => {
          if (finished) return;
          if (m.headers['smt-id'] !== id) {
            // Someone else's message under this correlation-id: not ours to remove. Unsubscribing at
            // the end gives it back to the queue.
            this.log({
              level: 'warn',
              msg: `withdraw ${id} from ${rid}: a message with smt-id ${m.headers['smt-id'] ?? '(none)'} matched; left in place`,
            });
            return;
          }
          clearTimeout(timer);
          try {
            await m.ack();
          } catch (e) {
            finish(() => reject(e instanceof Error ? e : new Error(String(e))));
            return;
          }
          withdrawn++;
          wait(WITHDRAW_QUIET_MS);
        },
      );
      wait(timeoutMs);
    });
  }

  /**
   * Sends one service command to a remote's queue (persistent, with the command channel's time to
   * live) and resolves with its smt-id once the broker stored it; the remote's result names that id.
   */
  async sendCommand(remoteId: string, body: Body<'command'>): Promise<string> {
    const rid = RemoteId.parse(remoteId);
    const conn = this.conn;
    if (!conn) throw new Error('the console core is not started');
    const env = makeEnvelope('command', this.consoleId, body, { ts: this.now() });
    await publish(conn, destinations.remoteQueue(rid, 'command'), env, { receipt: true });
    return env.id;
  }

  private emit<E extends CoreEventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners[event] as Set<Listener<E>>) {
      try {
        l(payload);
      } catch (e) {
        this.log({ level: 'error', msg: `${event} listener failed`, error: String(e) });
      }
    }
  }

  private onState(state: ConnState, previous: ConnState): void {
    this.relearn.setReady(state.kind === 'connected');
    if (state.kind === 'connected') {
      if (this.lastBroker !== undefined && this.lastBroker !== state.broker) {
        this.lastFailoverAt = state.since;
      }
      this.lastBroker = state.broker;
      const b = this.opts.profile.brokers[state.broker];
      this.log({ level: 'info', msg: `console connected to ${b?.name ?? state.broker}` });
    } else if (previous.kind === 'connected') {
      this.log({ level: 'warn', msg: `console lost its broker session, now ${state.kind}` });
    }
    this.emit('connectionChanged', this.connectionStatus());
  }

  private async take<T extends FleetEnvelope['type']>(
    m: InboundMessage,
    expected: readonly T[],
    ack: boolean,
    rate?: SenderBuckets,
  ): Promise<void> {
    const env = this.guard.check(m, expected, { from: 'remote', rate }) as FleetEnvelope | undefined;
    if (env) {
      this.heard(env);
      if (env.type === 'hello') this.relearn.helloFrom(env.from);
      else if (env.type === 'stats' || (env.type === 'presence' && env.body.state === 'online')) {
        this.relearn.liveFrom(env.from);
      }
    }
    // A rejected frame is acknowledged too: it is dropped, not left to be redelivered forever.
    if (ack) await this.ackQuietly(m);
  }

  private heard(env: FleetEnvelope): void {
    const at = this.now();
    this.fleet.apply(env, at);
    this.patcher.poke();
    for (const l of this.fleetListeners) {
      try {
        l(env, at);
      } catch (e) {
        this.log({ level: 'error', msg: 'fleet listener failed', error: String(e) });
      }
    }
  }

  /** Non-persistent with a short expiry (the query policy): one that finds no remote is asked again later. */
  private sendQuery(rid: string, query: Envelope<'query'>): Promise<void> {
    const conn = this.conn;
    if (!conn) return Promise.reject(new Error('the console core is not started'));
    return publish(conn, destinations.remoteQueue(rid, 'query'), query, {
      replyTo: this.replyQueue,
    });
  }

  private takeResult(m: InboundMessage): void {
    const env = this.guard.check(m, ['result'], { from: 'remote' });
    void this.gatherResult({ env, m });
  }

  private async flushResults(batch: readonly ResultFrame[]): Promise<void> {
    const results = batch.flatMap((b) => (b.env ? [b.env] : []));
    for (
      let wait = RESULT_RETRY_MS.first;
      results.length > 0;
      wait = Math.min(RESULT_RETRY_MS.max, wait * 2)
    ) {
      const later = this.runResultListeners(results);
      if (!later) break;
      this.log({
        level: wait === RESULT_RETRY_MS.first ? 'error' : 'debug',
        msg: `${results.length} results (the first from ${results[0]?.from} for ${results[0]?.body.ref}) kept to be taken again in ${wait / 1000} s`,
        error: later instanceof Error ? later.message : String(later),
      });
      // Stopped meanwhile: unacknowledged, they go to the next session or console.
      if (!(await this.pause(wait))) return;
    }
    // A rejected frame is acknowledged too: it is dropped, not left to be redelivered forever.
    await Promise.all(batch.map((b) => this.ackQuietly(b.m)));
  }

  /** Runs every result listener; returns the first retryable error, logging any other. */
  private runResultListeners(results: readonly Envelope<'result'>[]): unknown {
    let later: unknown;
    for (const l of this.resultListeners) {
      const retryable = this.runListener(() => l(results));
      later ??= retryable;
    }
    return later;
  }

  /** Runs one result listener: returns its error when retryable, logs any other. */
  private runListener(call: () => void): unknown {
    try {
      call();
    } catch (e) {
      if (isRetryable(e)) return e;
      this.log({ level: 'error', msg: 'result listener failed', error: String(e) });
    }
    return undefined;
  }

  /** Resolves true after `ms`, or false at once when the core stops. */
  private async pause(ms: number): Promise<boolean> {
    if (!this.conn) return false;
    const { signal } = this.stopping;
    return delay(ms, undefined, { signal }).then(
      () => this.conn !== undefined,
      () => false,
    );
  }

  private async ackQuietly(m: InboundMessage): Promise<void> {
    try {
      await m.ack();
    } catch (e) {
      this.log({ level: 'debug', msg: 'ack not sent; the broker will redeliver', error: String(e) });
    }
  }
}
