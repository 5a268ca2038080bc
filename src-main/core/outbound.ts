import {
  MessageId,
  RemoteId,
  channels,
  makeEnvelope,
  type Body,
  type Envelope,
} from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import { SmtNotConnectedError, SmtSessionLostError, publish, type SmtConnection } from '../../src-node/smt';
import { signConfig, type ConfigSigner } from '../../src-node/crypto/config-signature';

/**
 * After a withdrawn copy, how long more copies of the same message may take to come: a send retried
 * after a lost receipt is stored twice under one smt-id (new broker message ids), and a consumer with a
 * prefetch of 1 gets the next one only after its ack of the last.
 */
const WITHDRAW_QUIET_MS = 100;

export interface OutboundDeps {
  consoleId: string;
  /** The profile's name, to say which profile lacks a signing key. */
  profileName: string;
  /** The broker session; none before the core starts or after it stops. */
  conn: () => SmtConnection | undefined;
  /** The profile's signing key, once loaded at start. */
  signer: () => ConfigSigner | undefined;
  /** Where remotes answer this core's queries. */
  replyQueue: string;
  now: () => number;
  log: LogSink;
}

/** What the console sends to remotes (config, command, query) and takes back out of their queues. */
export class ConsoleOutbound {
  constructor(private readonly deps: OutboundDeps) {}

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
    const conn = this.started();
    const signer = this.deps.signer();
    if (!signer) {
      throw new Error(
        `profile "${this.deps.profileName}" has no signing key: add "signing": {"certFile": …, "keyFile": …} ` +
          'to it (agents refuse unsigned configuration)',
      );
    }
    // Signed after the schema's parse, so the signature covers exactly what the agent's parse yields.
    const unsigned = makeEnvelope('config', this.deps.consoleId, body, { id: opts.id, ts: this.deps.now() });
    const env = { ...unsigned, body: signConfig(signer, rid, unsigned.id, unsigned.body) };
    await publish(conn, channels.config.sendTo(rid), env, {
      receipt: true,
      grouped: true,
      ...(opts.expiresAt === undefined ? {} : { expiresAt: opts.expiresAt }),
    });
    return env;
  }

  /**
   * Sends one service command to a remote's queue (persistent, with the command channel's time to
   * live) and resolves with its smt-id once the broker stored it; the remote's result names that id.
   */
  async sendCommand(remoteId: string, body: Body<'command'>): Promise<string> {
    const rid = RemoteId.parse(remoteId);
    const conn = this.started();
    const env = makeEnvelope('command', this.deps.consoleId, body, { ts: this.deps.now() });
    await publish(conn, channels.command.sendTo(rid), env, { receipt: true });
    return env.id;
  }

  /** Non-persistent with a short expiry (the query channel): one that finds no remote is asked again later. */
  async sendQuery(rid: string, query: Envelope<'query'>): Promise<void> {
    await publish(this.started(), channels.query.sendTo(rid), query, { replyTo: this.deps.replyQueue });
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
    const conn = this.deps.conn();
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
        channels.config.readAt(rid),
        {
          ack: channels.config.ack,
          // One message at a time, so nothing else is held from the remote while this consumer exists.
          headers: { selector: `JMSCorrelationID = '${id}'`, 'activemq.prefetchSize': '1' },
        },
        async (m) => {
          if (finished) return;
          if (m.headers['smt-id'] !== id) {
            // Someone else's message under this correlation-id: not ours to remove. Unsubscribing at
            // the end gives it back to the queue.
            this.deps.log({
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

  private started(): SmtConnection {
    const conn = this.deps.conn();
    if (!conn) throw new Error('the console core is not started');
    return conn;
  }
}
