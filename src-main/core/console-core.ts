import type { ConnState } from '../../src-shared/connection/machine';
import type { EventName, EventPayloads } from '../../src-shared/ipc/contract';
import { TypedEmitter } from '../../src-shared/util/typed-emitter';
import type { ConnectionStatus, RejectCounters } from '../../src-shared/ipc/views';
import type { ConsoleProfile } from '../../src-shared/profile';
import {
  RemoteId,
  channels,
  sharedReaders,
  destinations,
  makeEnvelope,
  newReplySession,
  replySessionPattern,
  type Body,
  type ChannelDescriptor,
  type Envelope,
} from '../../src-shared/protocol';
import { silentLog, type LogSink } from '../../src-node/log';
import { brokerUrl } from '../../src-shared/broker/address';
import {
  InboundGuard,
  SenderBuckets,
  SmtConnection,
  ackQuietly,
  channelRoute,
  consoleHeartbeat,
  subscribeRoutes,
  type Checked,
  type InboundMessage,
  type RateLimit,
  type Route,
  type SmtConnectionOptions,
} from '../../src-node/smt';
import { loadConfigSigner, type ConfigSigner } from '../../src-node/crypto/config-signature';
import { loadTlsMaterial, type TlsMaterial } from '../../src-node/tls';
import type { KeyPolicy, KeySealer } from '../../src-node/secrets';
import { BrokerHealthWatch } from './broker-health';
import { FleetModel, type FleetEnvelope, type FleetModelOptions } from './fleet-model';
import { FleetPatcher } from './fleet-patcher';
import { ConsoleOutbound } from './outbound';
import { loadConsoleProfile } from './profile';
import { PendingQueries } from './queries';
import { Relearner, type RelearnOptions } from './relearn';
import { ResultInbox, type ResultsListener } from './result-inbox';

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
type CoreEvents = Pick<EventPayloads, CoreEventName>;
type Listener<E extends CoreEventName> = (payload: CoreEvents[E]) => void;

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
  private readonly outbound: ConsoleOutbound;
  private readonly results: ResultInbox;
  private readonly liveRate: SenderBuckets;
  private readonly log: LogSink;
  private readonly now: () => number;
  private readonly patcher: FleetPatcher;
  private conn: SmtConnection | undefined;
  private signer: ConfigSigner | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastBroker: number | undefined;
  private lastFailoverAt: number | null = null;
  private readonly events = new TypedEmitter<CoreEvents>({
    names: ['fleetPatch', 'connectionChanged'],
    onError: (event, e) => this.log({ level: 'error', msg: `${event} listener failed`, error: String(e) }),
  });
  private readonly fleetListeners = new Set<FleetListener>();

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
    this.guard = new InboundGuard(`console ${opts.profile.consoleId}`, this.log, this.now);
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
        send: (rid, query) => this.outbound.sendQuery(rid, query),
        learn: (rid, hello, reply) =>
          this.heard(makeEnvelope('hello', rid, hello, { id: reply.id, ts: reply.ts })),
      },
      opts.relearn,
    );
    this.outbound = new ConsoleOutbound({
      consoleId: opts.profile.consoleId,
      profileName: opts.profile.name,
      conn: () => this.conn,
      signer: () => this.signer,
      replyQueue: this.replyQueue,
      now: this.now,
      log: this.log,
    });
    this.results = new ResultInbox(this.log);
    this.queries = new PendingQueries({
      consoleId: opts.profile.consoleId,
      now: this.now,
      log: this.log,
      send: (rid, query) => this.outbound.sendQuery(rid, query),
    });
  }

  get consoleId(): string {
    return this.opts.profile.consoleId;
  }

  /** The profile's brokers, primary first. */
  get brokers(): ConsoleProfile['brokers'] {
    return this.opts.profile.brokers;
  }

  /** The profile's TLS files: the alerts read the console's certificate expiry from them (docs/alerts.md). */
  get tlsFiles(): ConsoleProfile['tls'] {
    return this.opts.profile.tls;
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
      heartbeat: consoleHeartbeat,
      ...this.opts.connection,
      name: `console ${profile.consoleId}`,
      brokers: profile.brokers,
      tls,
      log: this.log,
      now: this.now,
    });
    this.conn = conn;
    conn.onState((state, previous) => this.onState(state, previous));
    this.results.setOpen(true);
    subscribeRoutes(conn, this.routes());
    this.sweepTimer = setInterval(() => {
      if (this.fleet.sweep(this.now()) > 0) this.patcher.poke();
      this.relearn.sweep();
    }, this.opts.sweepIntervalMs ?? 500);
    conn.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.results.setOpen(false);
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
    return this.events.on(event, listener);
  }

  /**
   * Results (delivered / applied / failed …) from remotes, in batches: those that arrived in one turn of
   * the event loop, so a listener can store a burst of a thousand in one transaction. Acknowledged after
   * every listener ran; listeners run in the order they were added.
   */
  onResults(listener: ResultsListener): () => void {
    return this.results.onResults(listener);
  }

  /** One result at a time, for listeners that do not store a burst together (onResults). */
  onResult(listener: (result: Envelope<'result'>) => void): () => void {
    return this.results.onResult(listener);
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

  /** See ConsoleOutbound.sendConfig. */
  sendConfig(
    remoteId: string,
    body: Body<'config'>,
    opts: { id?: string; expiresAt?: number } = {},
  ): Promise<Envelope<'config'>> {
    return this.outbound.sendConfig(remoteId, body, opts);
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

  /** See ConsoleOutbound.withdrawConfig. */
  withdrawConfig(remoteId: string, smtId: string, timeoutMs: number): Promise<boolean> {
    return this.outbound.withdrawConfig(remoteId, smtId, timeoutMs);
  }

  /** See ConsoleOutbound.sendCommand. */
  sendCommand(remoteId: string, body: Body<'command'>): Promise<string> {
    return this.outbound.sendCommand(remoteId, body);
  }

  /**
   * What this core reads, in subscription order. Every process of this console id shares the fleet
   * queues (inventory, events) and the result queue, as it shares the profile's database; the reply
   * queue is this core's own.
   */
  private routes(): Route[] {
    const cid = this.consoleId;
    const fleet = <T extends FleetEnvelope['type']>(
      read: ChannelDescriptor<T> | readonly [ChannelDescriptor<T>, ...ChannelDescriptor<T>[]],
      at: string,
      rate?: SenderBuckets,
    ) => channelRoute(this.guard, read, at, (checked, m) => this.take(checked, m), { rate });
    return [
      // Hellos and served inventories share the inventory queue, read in the order they were sent.
      fleet(sharedReaders.inventory, channels.hello.readAt(cid)),
      // Live samples: the newest wins, nothing to acknowledge; each remote's rate is held.
      fleet(channels.stats, channels.stats.readAt(), this.liveRate),
      fleet(channels.presence, channels.presence.readAt(), this.liveRate),
      fleet(channels.usage, channels.usage.readAt(), this.liveRate),
      fleet(channels.event, channels.event.readAt(cid)),
      // The brokers' own reports, no SMT envelopes (broker-health.ts).
      {
        destination: destinations.brokerHealth(),
        options: { ack: 'auto' },
        handle: (m) => this.brokerHealth.take(m),
      },
      channelRoute(this.guard, channels.result, channels.result.readAt(cid), (checked, m) =>
        this.results.take(checked, m),
      ),
      channelRoute(this.guard, channels.reply, channels.reply.readAt(cid, this.replySession), (checked) => {
        if (checked.ok && !this.queries.take(checked.envelope)) this.relearn.reply(checked.envelope);
      }),
    ];
  }

  private emit<E extends CoreEventName>(event: E, payload: CoreEvents[E]): void {
    this.events.emit(event, payload);
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

  private async take<T extends FleetEnvelope['type']>(checked: Checked<T>, m: InboundMessage): Promise<void> {
    if (checked.ok) {
      const env = checked.envelope as FleetEnvelope;
      this.heard(env);
      if (env.type === 'hello') this.relearn.helloFrom(env.from);
      else if (env.type === 'stats' || (env.type === 'presence' && env.body.state === 'online')) {
        this.relearn.liveFrom(env.from);
      }
    }
    // A rejected frame is acknowledged too: it is dropped, not left to be redelivered forever (a no-op
    // on the live topics, which are not acknowledged).
    await ackQuietly(m, this.log);
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
}
