import { z } from 'zod';
import type { RemoteIdentity } from '../../src-shared/profile';
import {
  ConsoleId,
  MAX_CONFIG_FRAME_BYTES,
  MessageId,
  consoleReplyQueuePattern,
  destinations,
  makeEnvelope,
  type Body,
  type ChannelType,
  type Envelope,
} from '../../src-shared/protocol';
import { silentLog, type LogSink } from '../../src-node/log';
import {
  InboundGuard,
  SmtConnection,
  publish,
  type InboundMessage,
  type Rejection,
  type SmtConnectionOptions,
} from '../../src-node/smt';
import type { TlsMaterial } from '../../src-node/tls';
import type { DhcpTarget, DnsTarget } from '../targets/types';
import { ConfigApplier, type ConfigVerifier } from './config-apply';
import type { HostSource, ServiceControls } from './host-source';
import type { Ledger, LedgerEntry } from './ledger';
import { EventOutbox, processEvents } from './events';
import type { StorageError } from './storage-error';
import { answerQuery, runCommand } from './requests';
import { UsageMeter } from './usage';

export const AGENT_VERSION = '0.2.0';

export interface RemoteAgentOptions {
  identity: RemoteIdentity;
  tls: TlsMaterial;
  host: HostSource;
  ledger: Ledger;
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  /** What the command channel may do to which service; a service not listed is not installed here. */
  services: ServiceControls;
  /** Required: an agent never applies a config it has not verified. */
  verifier: ConfigVerifier;
  statsIntervalMs: number;
  presenceIntervalMs: number;
  /** Defaults to the stats interval. */
  usageIntervalMs?: number;
  log?: LogSink;
  random?: () => number;
  connection?: Partial<
    Pick<SmtConnectionOptions, 'heartbeat' | 'connectTimeoutMs' | 'machine' | 'transport'>
  >;
  /** See ConfigApplierOptions.afterRecord. */
  afterRecord?: (entry: LedgerEntry) => void;
}

/** What can still be read from a frame the guard refused, to tell its sender why. */
const Salvage = z.object({ id: MessageId, from: ConsoleId });

/**
 * The one remote-agent pipeline, for `run` (real host, BIND, Kea) and `simulate` (models, in-memory
 * servers): connection, hello on every connect, presence / stats / usage on timers, and the four queues
 * of this remote, each message checked by the inbound guard and acknowledged only after it was acted on
 * and its answer was confirmed by the broker.
 */
export class RemoteAgent {
  readonly id: string;
  readonly conn: SmtConnection;
  readonly guard: InboundGuard;
  private readonly log: LogSink;
  private readonly applier: ConfigApplier;
  private readonly usage: UsageMeter;
  private statsIntervalMs: number;
  private presenceIntervalMs: number;
  private statsTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private usageTimer: NodeJS.Timeout | undefined;
  private statsSeq = 0;
  private presenceSeq = 0;
  private readonly events = new EventOutbox();
  private lastProcesses: Body<'stats'>['processes'] | undefined;
  private flushing: Promise<void> | undefined;
  private stopping = false;
  private lastRejection: Rejection | undefined;
  /** Config and command messages are handled one at a time, in queue order. */
  private configChain: Promise<void> = Promise.resolve();
  private commandChain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RemoteAgentOptions) {
    this.id = opts.identity.remoteId;
    this.log = opts.log ?? silentLog;
    this.statsIntervalMs = opts.statsIntervalMs;
    this.presenceIntervalMs = opts.presenceIntervalMs;
    this.guard = new InboundGuard(`remote ${this.id}`, this.log, (r) => (this.lastRejection = r));
    this.applier = new ConfigApplier({
      ledger: opts.ledger,
      dns: opts.dns,
      dhcp: opts.dhcp,
      verifier: opts.verifier,
      afterRecord: opts.afterRecord,
      onStorage: (trouble) => this.onStorage(trouble),
    });
    this.usage = new UsageMeter(opts.dns, opts.dhcp);
    this.conn = new SmtConnection({
      ...opts.connection,
      name: `remote ${this.id}`,
      brokers: opts.identity.brokers,
      tls: opts.tls,
      log: this.log,
      random: opts.random,
    });
    const q = (kind: 'config' | 'command' | 'query' | 'broadcast') => destinations.remoteQueue(this.id, kind);
    const individual = { ack: 'client-individual' } as const;
    this.conn.subscribe(q('config'), { ...individual, maxBodyBytes: MAX_CONFIG_FRAME_BYTES }, (m) => {
      this.configChain = this.configChain
        .then(() => this.onConfig(m))
        .catch((e: unknown) => this.failed('config', e));
      return this.configChain;
    });
    this.conn.subscribe(q('command'), individual, (m) => {
      this.commandChain = this.commandChain
        .then(() => this.onCommand(m))
        .catch((e: unknown) => this.failed('command', e));
      return this.commandChain;
    });
    this.conn.subscribe(q('query'), individual, (m) => this.onQuery(m));
    this.conn.subscribe(q('broadcast'), individual, (m) => this.onBroadcast(m));
    this.conn.onOpened(() => this.sayHello());
  }

  start(): void {
    this.stopping = false;
    this.conn.start();
  }

  /** Says goodbye (presence offline, bounded in time) and disconnects. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopping = true;
    this.applier.close();
    this.clearTimers();
    if (this.conn.state.kind === 'connected') {
      const goodbye = this.envelope('presence', {
        state: 'offline',
        intervalMs: this.presenceIntervalMs,
        seq: ++this.presenceSeq,
      });
      await Promise.race([
        publish(this.conn, destinations.remoteTopic(this.id, 'presence'), goodbye, { receipt: true }).catch(
          () => undefined,
        ),
        new Promise((r) => setTimeout(r, timeoutMs)),
      ]);
    }
    await this.conn.stop(timeoutMs);
  }

  /** Drops the session without a goodbye, as a network cut would, and comes back after `forMs`. */
  async goOffline(forMs: number): Promise<void> {
    this.clearTimers();
    await this.conn.stop(0);
    await new Promise((r) => setTimeout(r, forMs));
    if (!this.stopping) this.conn.start();
  }

  private clearTimers(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.presenceTimer);
    clearInterval(this.usageTimer);
    this.statsTimer = this.presenceTimer = this.usageTimer = undefined;
  }

  /** A full or read-only disk holds config messages: the console hears it as events, start and end. */
  private onStorage(trouble: StorageError | undefined): void {
    if (trouble) {
      this.log({
        level: 'error',
        msg: `remote ${this.id}: config messages wait for the disk`,
        error: trouble.message,
      });
      this.report({
        severity: 'critical',
        code: trouble.eventCode,
        at: Date.now(),
        message:
          `${trouble.message}. Config messages wait, unacknowledged, and are applied once it can be ` +
          'written again; nothing needs to be pushed again.',
      });
    } else {
      this.log({ level: 'info', msg: `remote ${this.id}: the disk can be written again` });
      this.report({
        severity: 'info',
        code: 'disk-writable',
        at: Date.now(),
        message: 'The disk can be written again; the config messages that waited go on.',
      });
    }
  }

  private failed(what: string, e: unknown): void {
    // The message stays unacknowledged and comes back on the next session.
    this.log({
      level: 'error',
      msg: `remote ${this.id}: ${what} message not finished`,
      error: e instanceof Error ? e.message : String(e),
    });
  }

  private envelope<T extends ChannelType>(type: T, body: Body<T>, corr?: string): Envelope<T> {
    return makeEnvelope(type, this.id, body, corr ? { corr } : {});
  }

  /** The hello body as of now: sent on every connect, and the answer to a 'hello' query. */
  private async helloBody(): Promise<Body<'hello'>> {
    const identity = await this.opts.host.identity();
    return {
      agent: { version: AGENT_VERSION, mode: this.opts.host.mode },
      ...identity,
      statsIntervalMs: this.statsIntervalMs,
      presenceIntervalMs: this.presenceIntervalMs,
    };
  }

  private async sayHello(): Promise<void> {
    if (this.stopping) return;
    const hello = await this.helloBody();
    await publish(this.conn, destinations.inventory(), this.envelope('hello', hello), { receipt: true });
    this.flushEvents();
    this.sendPresence();
    void this.sendStats();
    this.schedule();
  }

  private schedule(): void {
    this.clearTimers();
    this.presenceTimer = setInterval(() => this.sendPresence(), this.presenceIntervalMs);
    this.statsTimer = setInterval(() => void this.sendStats(), this.statsIntervalMs);
    if (this.opts.dns?.usage || this.opts.dhcp?.usage) {
      this.usageTimer = setInterval(
        () => void this.sendUsage(),
        this.opts.usageIntervalMs ?? this.statsIntervalMs,
      );
    }
  }

  /** Live samples are fire-and-forget: a lost one is replaced by the next. */
  private sendLive(
    env: Envelope<'presence' | 'stats' | 'usage'>,
    kind: 'presence' | 'stats' | 'usage',
  ): void {
    if (this.conn.state.kind !== 'connected') return;
    publish(this.conn, destinations.remoteTopic(this.id, kind), env).catch(() => undefined);
  }

  private sendPresence(): void {
    if (this.stopping) return;
    this.sendLive(
      this.envelope('presence', {
        state: 'online',
        intervalMs: this.presenceIntervalMs,
        seq: ++this.presenceSeq,
      }),
      'presence',
    );
  }

  private async sendStats(): Promise<void> {
    if (this.stopping || this.conn.state.kind !== 'connected') return;
    try {
      const sample = await this.opts.host.sample(Date.now());
      this.sendLive(this.envelope('stats', { seq: ++this.statsSeq, ...sample }), 'stats');
      this.report(...processEvents(this.lastProcesses, sample.processes, Date.now()));
      this.lastProcesses = sample.processes;
    } catch (e) {
      this.log({ level: 'warn', msg: `remote ${this.id}: stats sample failed`, error: String(e) });
    }
  }

  private async sendUsage(): Promise<void> {
    if (this.stopping || this.conn.state.kind !== 'connected') return;
    const body = await this.usage.read(Date.now(), (what, e) =>
      this.log({ level: 'warn', msg: `remote ${this.id}: ${what} usage unavailable`, error: String(e) }),
    );
    if (body) this.sendLive(this.envelope('usage', body), 'usage');
  }

  /** Events are persistent: sent now when a session is up, else when the next one opens. */
  private report(...events: Body<'event'>[]): void {
    if (events.length === 0) return;
    this.events.add(...events);
    this.flushEvents();
  }

  private flushEvents(): void {
    if (this.flushing || this.conn.state.kind !== 'connected') return;
    this.flushing = this.events
      .flush(
        (e) => publish(this.conn, destinations.events(), this.envelope('event', e), { receipt: true }),
        Date.now(),
      )
      .catch((e: unknown) => {
        this.log({
          level: 'debug',
          msg: `remote ${this.id}: events kept for the next session`,
          error: String(e),
        });
      })
      .finally(() => {
        this.flushing = undefined;
      });
  }

  private async sendResult(to: string, result: Body<'result'>): Promise<void> {
    await publish(this.conn, destinations.consoleResult(to), this.envelope('result', result), {
      receipt: true,
    });
  }

  /**
   * A frame the guard refused is acknowledged (it would only come back), and when its sender and id can
   * still be read, the sender hears why.
   */
  private async refuse(m: InboundMessage, channel: 'config' | 'command'): Promise<void> {
    let salvaged: z.infer<typeof Salvage> | undefined;
    try {
      const parsed = Salvage.safeParse(JSON.parse(m.body ?? ''));
      if (parsed.success) salvaged = parsed.data;
    } catch {
      // Not JSON: nobody to answer.
    }
    const why = this.lastRejection;
    if (salvaged && why) {
      await this.sendResult(salvaged.from, {
        ref: salvaged.id,
        state: 'failed',
        reason: `remote ${this.id} refused the ${channel} message (${why.reason}): ${why.detail}`,
      });
    }
    await m.ack();
  }

  private check<T extends ChannelType>(
    m: InboundMessage,
    expected: readonly T[],
    maxBytes?: number,
  ): Envelope<T> | undefined {
    this.lastRejection = undefined;
    return this.guard.check(m, expected, { from: 'console', maxBytes });
  }

  /**
   * Resolves once the message is applied and recorded, so the next one may start; its result's receipt
   * and its ack follow on their own (a message whose ack is lost comes again: the ledger answers it).
   */
  private async onConfig(m: InboundMessage): Promise<void> {
    const env = this.check(m, ['config'], MAX_CONFIG_FRAME_BYTES);
    if (!env) return this.refuse(m, 'config');
    const { reported } = await this.applier.handle(env, (r) => this.sendResult(env.from, r));
    void reported.then(() => m.ack()).catch((e: unknown) => this.failed('config', e));
  }

  private async onCommand(m: InboundMessage): Promise<void> {
    const env = this.check(m, ['command']);
    if (!env) return this.refuse(m, 'command');
    const outcome = await runCommand(this.opts.services, env.body);
    const what = `${env.body.action} ${env.body.service}`;
    this.report(
      outcome.ok
        ? {
            severity: 'info',
            code: 'command',
            service: env.body.service,
            at: Date.now(),
            message: `${what} done, asked by ${env.from}`,
          }
        : {
            severity: 'warning',
            code: 'command-failed',
            service: env.body.service,
            at: Date.now(),
            message: `${what} asked by ${env.from} failed: ${outcome.reason}`,
          },
    );
    await this.sendResult(
      env.from,
      outcome.ok
        ? { ref: env.id, state: 'applied' }
        : { ref: env.id, state: 'failed', reason: outcome.reason },
    );
    await m.ack();
  }

  private async onQuery(m: InboundMessage): Promise<void> {
    const replyTo = m.headers['reply-to'];
    if (!replyTo || !consoleReplyQueuePattern.test(replyTo)) {
      // Nobody to answer: a query whose answer would go anywhere but a console session's reply queue is
      // dropped. A remote is no relay.
      this.guard.refuse(
        m,
        'bad-reply-to',
        `reply-to ${JSON.stringify(replyTo ?? null)} is no console's reply queue`,
      );
      return m.ack();
    }
    const env = this.check(m, ['query']);
    let reply: Body<'reply'>;
    let corr: string | undefined;
    if (env) {
      corr = env.id;
      reply = await answerQuery(
        {
          dns: this.opts.dns,
          dhcp: this.opts.dhcp,
          hello: () => this.helloBody(),
          uptimeS: () => this.opts.host.uptimeS(Date.now()),
          lastApplied: (key) => this.opts.ledger.lastApplied(key)?.version,
        },
        env.body,
      );
    } else {
      corr = salvageId(m.body);
      reply = { ok: false, error: `the query was refused by remote ${this.id}: not a valid query message` };
    }
    await publish(this.conn, replyTo, this.envelope('reply', reply, corr));
    await m.ack();
  }

  private async onBroadcast(m: InboundMessage): Promise<void> {
    const env = this.check(m, ['broadcast']);
    if (env?.body.topic === 'fleet-settings') {
      this.statsIntervalMs = env.body.statsIntervalMs ?? this.statsIntervalMs;
      this.presenceIntervalMs = env.body.presenceIntervalMs ?? this.presenceIntervalMs;
      if (this.conn.state.kind === 'connected') this.schedule();
    }
    await m.ack();
  }
}

function salvageId(body: string | undefined): string | undefined {
  try {
    const parsed = z.object({ id: MessageId }).safeParse(JSON.parse(body ?? ''));
    return parsed.success ? parsed.data.id : undefined;
  } catch {
    return undefined;
  }
}
