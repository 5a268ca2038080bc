import {
  channels,
  makeEnvelope,
  type Body,
  type ChannelType,
  type Envelope,
  type HelloCert,
} from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import { publish, type SmtConnection } from '../../src-node/smt';
import type { DhcpTarget, DnsTarget } from '../targets/types';
import { EventOutbox, processEvents } from './events';
import type { HostSource } from './host-source';
import { UsageMeter } from './usage';

export const AGENT_VERSION = '0.2.0';

export interface TelemetryOptions {
  id: string;
  conn: SmtConnection;
  host: HostSource;
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  statsIntervalMs: number;
  presenceIntervalMs: number;
  /** Defaults to the stats interval. */
  usageIntervalMs?: number;
  /** The agent's own client certificate, for the hello (own-cert.ts); left out when unknown. */
  cert?: HelloCert;
  log: LogSink;
}

type LiveKind = 'presence' | 'stats' | 'usage';

/**
 * What a remote tells the consoles unasked: its hello on every connect, presence, stats and usage on
 * timers (live samples, fire-and-forget) and events (persistent: kept until a session takes them).
 */
export class Telemetry {
  private statsIntervalMs: number;
  private presenceIntervalMs: number;
  private statsTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private usageTimer: NodeJS.Timeout | undefined;
  private statsSeq = 0;
  private presenceSeq = 0;
  private readonly events = new EventOutbox();
  private readonly usage: UsageMeter;
  private lastProcesses: Body<'stats'>['processes'] | undefined;
  private flushing: Promise<void> | undefined;
  private stopping = false;
  private usageBased = false;

  constructor(private readonly opts: TelemetryOptions) {
    this.statsIntervalMs = opts.statsIntervalMs;
    this.presenceIntervalMs = opts.presenceIntervalMs;
    this.usage = new UsageMeter(opts.dns, opts.dhcp);
  }

  private get conn(): SmtConnection {
    return this.opts.conn;
  }

  /** Sends again after stop(): the agent starts again. */
  resume(): void {
    this.stopping = false;
  }

  /** Nothing more is sent unasked: the agent stops. */
  stop(): void {
    this.stopping = true;
    this.clearTimers();
  }

  /** Says goodbye (presence offline), sent with a receipt, bounded in time. */
  async goodbye(timeoutMs: number): Promise<void> {
    if (this.conn.state.kind !== 'connected') return;
    const goodbye = this.envelope('presence', {
      state: 'offline',
      intervalMs: this.presenceIntervalMs,
      seq: ++this.presenceSeq,
    });
    await Promise.race([
      publish(this.conn, channels.presence.sendTo(this.opts.id), goodbye, { receipt: true }).catch(
        () => undefined,
      ),
      new Promise((r) => setTimeout(r, timeoutMs)),
    ]);
  }

  clearTimers(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.presenceTimer);
    clearInterval(this.usageTimer);
    this.statsTimer = this.presenceTimer = this.usageTimer = undefined;
  }

  /** The fleet's settings (a broadcast): the new intervals hold from now on. */
  setIntervals(statsIntervalMs: number | undefined, presenceIntervalMs: number | undefined): void {
    this.statsIntervalMs = statsIntervalMs ?? this.statsIntervalMs;
    this.presenceIntervalMs = presenceIntervalMs ?? this.presenceIntervalMs;
    if (this.conn.state.kind === 'connected') this.schedule();
  }

  /** The hello body as of now: sent on every connect, and the answer to a 'hello' query. */
  async helloBody(): Promise<Body<'hello'>> {
    const identity = await this.opts.host.identity();
    return {
      agent: { version: AGENT_VERSION, mode: this.opts.host.mode },
      ...identity,
      statsIntervalMs: this.statsIntervalMs,
      presenceIntervalMs: this.presenceIntervalMs,
      ...(this.opts.cert ? { cert: this.opts.cert } : {}),
    };
  }

  /** A session opened: hello first (with a receipt), then what waited, then the timers. */
  async sayHello(): Promise<void> {
    if (this.stopping) return;
    const hello = await this.helloBody();
    await publish(this.conn, channels.hello.sendTo(), this.envelope('hello', hello), { receipt: true });
    this.flushEvents();
    this.sendPresence();
    void this.sendStats();
    // The first usage reading is only the base of the rates (nothing is sent): taken at the first hello,
    // a new remote's pools reach the console one interval after connect, not two. Not on a reconnect:
    // a fleet failing over would add a message per remote to the burst, and the timer reports soon.
    if (!this.usageBased && (this.opts.dns?.usage || this.opts.dhcp?.usage)) {
      this.usageBased = true;
      void this.sendUsage();
    }
    this.schedule();
  }

  /** Events are persistent: sent now when a session is up, else when the next one opens. */
  report(...events: Body<'event'>[]): void {
    if (events.length === 0) return;
    this.events.add(...events);
    this.flushEvents();
  }

  private envelope<T extends ChannelType>(type: T, body: Body<T>): Envelope<T> {
    return makeEnvelope(type, this.opts.id, body);
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
  private sendLive(env: Envelope<LiveKind>, kind: LiveKind): void {
    if (this.conn.state.kind !== 'connected') return;
    publish(this.conn, channels[kind].sendTo(this.opts.id), env).catch(() => undefined);
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
      this.opts.log({ level: 'warn', msg: `remote ${this.opts.id}: stats sample failed`, error: String(e) });
    }
  }

  private async sendUsage(): Promise<void> {
    if (this.stopping || this.conn.state.kind !== 'connected') return;
    const body = await this.usage.read(Date.now(), (what, e) =>
      this.opts.log({
        level: 'warn',
        msg: `remote ${this.opts.id}: ${what} usage unavailable`,
        error: String(e),
      }),
    );
    if (body) this.sendLive(this.envelope('usage', body), 'usage');
  }

  private flushEvents(): void {
    if (this.flushing || this.conn.state.kind !== 'connected') return;
    this.flushing = this.events
      .flush(
        (e) => publish(this.conn, channels.event.sendTo(), this.envelope('event', e), { receipt: true }),
        Date.now(),
      )
      .catch((e: unknown) => {
        this.opts.log({
          level: 'debug',
          msg: `remote ${this.opts.id}: events kept for the next session`,
          error: String(e),
        });
      })
      .finally(() => {
        this.flushing = undefined;
      });
  }
}
