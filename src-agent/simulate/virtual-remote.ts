import type { RemoteIdentity } from '../../src-shared/profile';
import {
  MAX_CONFIG_FRAME_BYTES,
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
  type SmtConnectionOptions,
} from '../../src-node/smt';
import type { TlsMaterial } from '../../src-node/tls';
import { SimulatedHost } from './host-model';

export const AGENT_VERSION = '0.1.0';

export interface VirtualRemoteOptions {
  identity: RemoteIdentity;
  tls: TlsMaterial;
  /** The number in the remote's id; it decides the host's role, addresses and services. */
  index: number;
  statsIntervalMs: number;
  presenceIntervalMs: number;
  log?: LogSink;
  random?: () => number;
  connection?: Partial<Pick<SmtConnectionOptions, 'heartbeat' | 'connectTimeoutMs' | 'machine'>>;
}

/** Only a console's own reply queue may be named as reply-to: a remote is no relay. */
const consoleReplyQueue = /^\/queue\/smt\.console\.[a-z0-9][a-z0-9-]{0,62}\.reply$/;

/**
 * One simulated remote: its own certificate and TLS connection, hello on every connect, presence and
 * stats on timers, and answers on its own queues as a real agent would (delivered, applied, pong).
 */
export class VirtualRemote {
  readonly id: string;
  readonly conn: SmtConnection;
  readonly host: SimulatedHost;
  readonly guard: InboundGuard;
  private readonly log: LogSink;
  private statsIntervalMs: number;
  private presenceIntervalMs: number;
  private statsTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private statsSeq = 0;
  private presenceSeq = 0;
  private lastSampleAt = Date.now();
  private stopping = false;

  constructor(opts: VirtualRemoteOptions) {
    this.id = opts.identity.remoteId;
    this.log = opts.log ?? silentLog;
    this.statsIntervalMs = opts.statsIntervalMs;
    this.presenceIntervalMs = opts.presenceIntervalMs;
    this.host = new SimulatedHost(opts.index, opts.random ?? Math.random, Date.now());
    this.guard = new InboundGuard(`remote ${this.id}`, this.log);
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
    this.conn.subscribe(q('config'), { ...individual, maxBodyBytes: MAX_CONFIG_FRAME_BYTES }, (m) =>
      this.onConfig(m),
    );
    this.conn.subscribe(q('command'), individual, (m) => this.onCommand(m));
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
    clearInterval(this.statsTimer);
    clearInterval(this.presenceTimer);
    this.statsTimer = this.presenceTimer = undefined;
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

  private envelope<T extends ChannelType>(type: T, body: Body<T>, corr?: string): Envelope<T> {
    return makeEnvelope(type, this.id, body, corr ? { corr } : {});
  }

  private async sayHello(): Promise<void> {
    if (this.stopping) return;
    const hello = this.envelope('hello', {
      agent: { version: AGENT_VERSION, mode: 'simulated' },
      host: this.host.hostInfo(),
      capabilities: this.host.capabilities(),
      tags: this.host.tags(),
      statsIntervalMs: this.statsIntervalMs,
      presenceIntervalMs: this.presenceIntervalMs,
    });
    await publish(this.conn, destinations.inventory(), hello, { receipt: true });
    this.sendPresence();
    this.sendStats();
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.presenceTimer);
    this.presenceTimer = setInterval(() => this.sendPresence(), this.presenceIntervalMs);
    this.statsTimer = setInterval(() => this.sendStats(), this.statsIntervalMs);
  }

  /** Live samples are fire-and-forget: a lost one is replaced by the next. */
  private sendLive(env: Envelope<'presence' | 'stats'>, kind: 'presence' | 'stats'): void {
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

  private sendStats(): void {
    if (this.stopping || this.conn.state.kind !== 'connected') return;
    const now = Date.now();
    const sample = this.host.sample(now, now - this.lastSampleAt);
    this.lastSampleAt = now;
    this.sendLive(this.envelope('stats', { seq: ++this.statsSeq, ...sample }), 'stats');
  }

  /** Answers on the console's result queue, then acks: a lost result means a redelivery, never a gap. */
  private async resultThenAck(m: InboundMessage, to: string, result: Body<'result'>): Promise<void> {
    const env = this.envelope('result', result);
    await publish(this.conn, destinations.consoleResult(to), env, { receipt: true });
    await m.ack();
  }

  private async onConfig(m: InboundMessage): Promise<void> {
    const env = this.guard.check(m, ['config'], { from: 'console', maxBytes: MAX_CONFIG_FRAME_BYTES });
    if (!env) return m.ack();
    const b = env.body;
    await this.resultThenAck(m, env.from, {
      ref: env.id,
      pushId: b.pushId,
      state: 'delivered',
      object: b.object,
      version: b.version,
    });
  }

  private async onCommand(m: InboundMessage): Promise<void> {
    const env = this.guard.check(m, ['command'], { from: 'console' });
    if (!env) return m.ack();
    this.host.restart(env.body.service, Date.now());
    await this.resultThenAck(m, env.from, { ref: env.id, state: 'applied' });
  }

  private async onQuery(m: InboundMessage): Promise<void> {
    const env = this.guard.check(m, ['query'], { from: 'console' });
    const replyTo = m.headers['reply-to'];
    if (env && replyTo && consoleReplyQueue.test(replyTo)) {
      const body: Body<'reply'> =
        env.body.query === 'ping'
          ? { ok: true, data: { pong: true, uptimeS: this.host.uptimeS(Date.now()) } }
          : { ok: false, error: `query "${env.body.query}" is not answered by a simulated remote` };
      await publish(this.conn, replyTo, this.envelope('reply', body, env.id));
    } else if (env) {
      this.log({ level: 'warn', msg: `remote ${this.id}: query without a console reply-to`, replyTo });
    }
    await m.ack();
  }

  private async onBroadcast(m: InboundMessage): Promise<void> {
    const env = this.guard.check(m, ['broadcast'], { from: 'console' });
    if (env?.body.topic === 'fleet-settings') {
      this.statsIntervalMs = env.body.statsIntervalMs ?? this.statsIntervalMs;
      this.presenceIntervalMs = env.body.presenceIntervalMs ?? this.presenceIntervalMs;
      if (this.conn.state.kind === 'connected') this.schedule();
    }
    await m.ack();
  }
}
