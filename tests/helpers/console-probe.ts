/**
 * The console side of agent tests: the lab console's identity on a real SMT connection, sending config,
 * commands and queries the way the console does, and recording every result and reply it gets.
 *
 *   const c = await ConsoleProbe.start(lab.opts);
 *   const env = await c.config('r-0401', body);           // signed, persistent, with receipt
 *   await c.waitResult(env.id, 'applied');
 *   const reply = await c.query('r-0401', { query: 'ping' });
 *   await c.stop();
 *
 * With `{ hellos: true }` it also reads the lab console's copy of the remotes' hellos (the fleet
 * inventory) and their served inventories (the same queue), which a console host on the same lab would
 * otherwise read: only where no host runs.
 */
import { consoleProfilePath, labConsoleKeys, type LabOptions } from '../../lab/lab';
import { loadConsoleProfile } from '../../src-main/core/profile';
import {
  channels,
  destinations,
  makeEnvelope,
  newReplySession,
  sharedReaders,
  type Body,
  type ChannelDescriptor,
  type Envelope,
} from '../../src-shared/protocol';
import { loadConfigSigner, signConfig, type ConfigSigner } from '../../src-node/crypto/config-signature';
import { silentLog } from '../../src-node/log';
import { InboundGuard, SmtConnection, channelRoute, publish, subscribeRoutes } from '../../src-node/smt';
import { waitFor } from '../../src-node/smt/testing/wait';
import { loadTlsMaterial } from '../../src-node/tls';

export class ConsoleProbe {
  readonly results: Envelope<'result'>[] = [];
  readonly replies: Envelope<'reply'>[] = [];
  /** Stats and usage samples from every remote, newest last. */
  readonly live: Envelope<'stats' | 'usage'>[] = [];
  /** Hellos from every remote, newest last (only when started with `hellos: true`). */
  readonly hellos: Envelope<'hello'>[] = [];
  /** Served inventories from every remote, newest last (with `hellos: true`: they share the queue). */
  readonly served: Envelope<'served'>[] = [];

  /** This probe's own reply queue: another process of the lab console (a host) has its own. */
  readonly replyQueue: string;

  private constructor(
    readonly consoleId: string,
    readonly conn: SmtConnection,
    readonly guard: InboundGuard,
    private readonly signer: ConfigSigner,
  ) {
    this.replyQueue = destinations.consoleReply(consoleId, newReplySession());
  }

  static async start(lab: LabOptions, opts: { hellos?: boolean } = {}): Promise<ConsoleProbe> {
    const profile = await loadConsoleProfile(consoleProfilePath(lab));
    const keys = await labConsoleKeys(lab);
    const conn = new SmtConnection({
      name: `console ${profile.consoleId} (test)`,
      brokers: profile.brokers,
      tls: await loadTlsMaterial(profile.tls, new Date(), keys),
    });
    const guard = new InboundGuard('test console', silentLog);
    if (!profile.signing) throw new Error('the lab console profile names no signing key');
    const signer = await loadConfigSigner(profile.signing, new Date(), keys);
    const probe = new ConsoleProbe(profile.consoleId, conn, guard, signer);
    const route = <T extends 'result' | 'reply' | 'stats' | 'usage' | 'hello'>(
      channel: ChannelDescriptor<T>,
      at: string,
      into: Envelope<T>[],
    ) =>
      channelRoute(guard, channel, at, async (checked, m) => {
        if (checked.ok) into.push(checked.envelope);
        await m.ack();
      });
    subscribeRoutes(conn, [
      route(channels.result, channels.result.readAt(profile.consoleId), probe.results),
      route(channels.reply, probe.replyQueue, probe.replies),
      route(channels.stats, channels.stats.readAt(), probe.live),
      route(channels.usage, channels.usage.readAt(), probe.live),
      ...(opts.hellos
        ? [
            channelRoute(
              guard,
              sharedReaders.inventory,
              channels.hello.readAt(profile.consoleId),
              async (c, m) => {
                if (c.ok && c.envelope.type === 'hello') probe.hellos.push(c.envelope as Envelope<'hello'>);
                if (c.ok && c.envelope.type === 'served') probe.served.push(c.envelope as Envelope<'served'>);
                await m.ack();
              },
            ),
          ]
        : []),
    ]);
    conn.start();
    await waitFor('the test console to connect', () => conn.state.kind === 'connected', 30_000);
    return probe;
  }

  /**
   * Sends a config message signed with the lab signer, as the console does (or resends one: pass the
   * envelope back to keep its smt-id and signature).
   */
  async config(rid: string, body: Body<'config'> | Envelope<'config'>): Promise<Envelope<'config'>> {
    const env = 'body' in body ? body : this.signed(rid, makeEnvelope('config', this.consoleId, body));
    await publish(this.conn, channels.config.sendTo(rid), env, { receipt: true });
    return env;
  }

  /** The envelope with its body signed for `rid` and its own id. */
  signed(rid: string, env: Envelope<'config'>): Envelope<'config'> {
    return { ...env, body: signConfig(this.signer, rid, env.id, env.body) };
  }

  async command(rid: string, body: Body<'command'>): Promise<Envelope<'command'>> {
    const env = makeEnvelope('command', this.consoleId, body);
    await publish(this.conn, channels.command.sendTo(rid), env, { receipt: true });
    return env;
  }

  /** Asks and waits for the answer (matched by corr). */
  async query(rid: string, body: Body<'query'>, timeoutMs = 20_000): Promise<Body<'reply'>> {
    const env = makeEnvelope('query', this.consoleId, body);
    await publish(this.conn, channels.query.sendTo(rid), env, {
      receipt: true,
      replyTo: this.replyQueue,
    });
    const reply = await waitFor(
      `the reply to ${body.query}`,
      () => this.replies.find((r) => r.corr === env.id),
      timeoutMs,
    );
    return reply.body;
  }

  /** The newest sample from one remote. */
  stats(rid: string): Envelope<'stats'> | undefined {
    return this.live.findLast((e): e is Envelope<'stats'> => e.type === 'stats' && e.from === rid);
  }

  usage(rid: string): Envelope<'usage'> | undefined {
    return this.live.findLast((e): e is Envelope<'usage'> => e.type === 'usage' && e.from === rid);
  }

  /** The newest hello of one remote. */
  hello(rid: string): Envelope<'hello'> | undefined {
    return this.hellos.findLast((e) => e.from === rid);
  }

  /** The newest served inventory of one remote that satisfies `ok`, waited for. */
  waitServed(
    rid: string,
    ok: (body: Body<'served'>) => boolean,
    timeoutMs = 20_000,
  ): Promise<Body<'served'>> {
    return waitFor(
      `a served inventory from ${rid} that matches`,
      () => this.served.findLast((e) => e.from === rid && ok(e.body))?.body,
      timeoutMs,
    );
  }

  resultsFor(ref: string): Body<'result'>[] {
    return this.results.filter((r) => r.body.ref === ref).map((r) => r.body);
  }

  /** Waits for a result of one of the given states about one message. */
  waitResult(
    ref: string,
    states: Body<'result'>['state'] | Body<'result'>['state'][],
    timeoutMs = 30_000,
  ): Promise<Body<'result'>> {
    const wanted = Array.isArray(states) ? states : [states];
    return waitFor(
      `a ${wanted.join('/')} result for ${ref}`,
      () => this.resultsFor(ref).find((r) => wanted.includes(r.state)),
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await this.conn.stop();
  }
}
