import { z } from 'zod';
import {
  ConsoleId,
  MessageId,
  channels,
  makeEnvelope,
  type Body,
  type ChannelType,
  type Envelope,
} from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import {
  channelRoute,
  publish,
  type Checked,
  type InboundGuard,
  type InboundMessage,
  type Rejection,
  type Route,
  type SmtConnection,
} from '../../src-node/smt';
import type { ConfigApplier } from './config-apply';
import type { ServiceControls } from './host-source';
import { answerQuery, runCommand, type QueryContext } from './requests';
import type { Telemetry } from './telemetry';

export interface AgentInboxDeps {
  id: string;
  conn: SmtConnection;
  guard: InboundGuard;
  applier: ConfigApplier;
  /** What the command channel may do to which service. */
  services: ServiceControls;
  /** What queries are answered from. */
  query: QueryContext;
  /** Where command events go, and the fleet settings a broadcast carries. */
  telemetry: Telemetry;
  log: LogSink;
}

/** What can still be read from a frame the guard refused, to tell its sender why. */
const Salvage = z.object({ id: MessageId, from: ConsoleId });

/**
 * The four queues of this remote, each message checked by the inbound guard and acknowledged only
 * after it was acted on and its answer was confirmed by the broker. Config and command messages are
 * handled one at a time, in queue order.
 */
export class AgentInbox {
  private configChain: Promise<void> = Promise.resolve();
  private commandChain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AgentInboxDeps) {}

  /** What this remote reads, in subscription order. */
  routes(): Route[] {
    const { id, guard } = this.deps;
    return [
      channelRoute(guard, channels.config, channels.config.readAt(id), (checked, m) => {
        this.configChain = this.configChain
          .then(() => this.onConfig(checked, m))
          .catch((e: unknown) => this.failed('config', e));
        return this.configChain;
      }),
      channelRoute(guard, channels.command, channels.command.readAt(id), (checked, m) => {
        this.commandChain = this.commandChain
          .then(() => this.onCommand(checked, m))
          .catch((e: unknown) => this.failed('command', e));
        return this.commandChain;
      }),
      channelRoute(guard, channels.query, channels.query.readAt(id), (checked, m) =>
        this.onQuery(checked, m),
      ),
      channelRoute(guard, channels.broadcast, channels.broadcast.readAt(id), (checked, m) =>
        this.onBroadcast(checked, m),
      ),
    ];
  }

  private failed(what: string, e: unknown): void {
    // The message stays unacknowledged and comes back on the next session.
    this.deps.log({
      level: 'error',
      msg: `remote ${this.deps.id}: ${what} message not finished`,
      error: e instanceof Error ? e.message : String(e),
    });
  }

  private envelope<T extends ChannelType>(type: T, body: Body<T>, corr?: string): Envelope<T> {
    return makeEnvelope(type, this.deps.id, body, corr ? { corr } : {});
  }

  private async sendResult(to: string, result: Body<'result'>): Promise<void> {
    await publish(this.deps.conn, channels.result.sendTo(to), this.envelope('result', result), {
      receipt: true,
    });
  }

  /**
   * A frame the guard refused is acknowledged (it would only come back), and when its sender and id can
   * still be read, the sender hears why.
   */
  private async refuse(m: InboundMessage, channel: 'config' | 'command', why: Rejection): Promise<void> {
    let salvaged: z.infer<typeof Salvage> | undefined;
    try {
      const parsed = Salvage.safeParse(JSON.parse(m.body ?? ''));
      if (parsed.success) salvaged = parsed.data;
    } catch {
      // Not JSON: nobody to answer.
    }
    if (salvaged) {
      await this.sendResult(salvaged.from, {
        ref: salvaged.id,
        state: 'failed',
        reason: `remote ${this.deps.id} refused the ${channel} message (${why.reason}): ${why.detail}`,
      });
    }
    await m.ack();
  }

  /**
   * Resolves once the message is applied and recorded, so the next one may start; its result's receipt
   * and its ack follow on their own (a message whose ack is lost comes again: the ledger answers it).
   */
  private async onConfig(checked: Checked<'config'>, m: InboundMessage): Promise<void> {
    if (!checked.ok) return this.refuse(m, 'config', checked.rejection);
    const env = checked.envelope;
    const { reported } = await this.deps.applier.handle(env, (r) => this.sendResult(env.from, r));
    void reported.then(() => m.ack()).catch((e: unknown) => this.failed('config', e));
  }

  private async onCommand(checked: Checked<'command'>, m: InboundMessage): Promise<void> {
    if (!checked.ok) return this.refuse(m, 'command', checked.rejection);
    const env = checked.envelope;
    const outcome = await runCommand(this.deps.services, env.body);
    const what = `${env.body.action} ${env.body.service}`;
    this.deps.telemetry.report(
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

  private async onQuery(checked: Checked<'query'>, m: InboundMessage): Promise<void> {
    // Nobody to answer: a query whose answer would go anywhere but a console session's reply queue is
    // dropped. A remote is no relay.
    const replyTo = m.headers['reply-to'];
    if (replyTo === undefined || (!checked.ok && checked.rejection.reason === 'bad-reply-to')) return m.ack();
    let reply: Body<'reply'>;
    let corr: string | undefined;
    if (checked.ok) {
      corr = checked.envelope.id;
      reply = await answerQuery(this.deps.query, checked.envelope.body);
    } else {
      corr = salvageId(m.body);
      reply = {
        ok: false,
        error: `the query was refused by remote ${this.deps.id}: not a valid query message`,
      };
    }
    await publish(this.deps.conn, channels.reply.sendTo(replyTo), this.envelope('reply', reply, corr));
    await m.ack();
  }

  private async onBroadcast(checked: Checked<'broadcast'>, m: InboundMessage): Promise<void> {
    const body = checked.ok ? checked.envelope.body : undefined;
    if (body?.topic === 'fleet-settings') {
      this.deps.telemetry.setIntervals(body.statsIntervalMs, body.presenceIntervalMs);
    }
    await m.ack();
  }
}

/** The id of a query the guard refused, for the refusal's `corr`; it may come from anyone. */
function salvageId(body: string | undefined): string | undefined {
  try {
    const parsed = Salvage.pick({ id: true }).safeParse(JSON.parse(body ?? ''));
    return parsed.success ? parsed.data.id : undefined;
  } catch {
    return undefined;
  }
}
