/**
 * The baseline's console: one STOMP session with the console's certificate that sends persistent
 * messages to remote queues (each with a receipt, as SMT's sends are) and waits for every reply. After a
 * lost session it sends again what the broker had not receipted, as any at-least-once client must. No
 * SMT code.
 */
import { BareAnswer, bareConsoleQueue, bareRemoteQueue, parseBody } from './protocol';
import {
  BareLink,
  readBody,
  sendPersistent,
  type BareBroker,
  type BareClient,
  type BareMessage,
  type BareTls,
} from './stomp';

interface Round {
  id: number;
  /** Message bodies by `<rid>/<n>`. */
  bodies: Map<string, string>;
  /** Messages whose reply has not come yet. */
  waiting: Set<string>;
  /** Messages the broker has not receipted yet. */
  unreceipted: Set<string>;
  stored: () => void;
  replied: () => void;
}

export interface FanOut {
  round: number;
  /** Every message receipted: stored by the broker. */
  stored: Promise<void>;
  /** Every message answered. */
  replied: Promise<void>;
}

const keyOf = (rid: string, n: number) => `${rid}/${n}`;
const ridOf = (key: string) => key.slice(0, key.lastIndexOf('/'));

export class BareConsole {
  private readonly link: BareLink;
  private round: Round | undefined;
  private roundSeq = 0;
  private readonly helloListeners = new Set<(from: string, ts: number) => void>();
  /** Answers per message (`<round> <rid>/<n>`) of every round: more than one is a duplicate. */
  readonly answers = new Map<string, number>();
  /** Bodies that were not a bare answer (JSON or not): dropped and counted. */
  malformed = 0;

  constructor(
    brokers: readonly BareBroker[],
    tls: BareTls,
    private readonly consoleId: string,
  ) {
    this.link = new BareLink(brokers, tls, (client) => this.onOpen(client));
  }

  start(): Promise<void> {
    return this.link.start();
  }

  stop(): void {
    this.link.stop();
  }

  /** Remotes' hellos, with the remote's clock (the same machine's) at its (re)connect. */
  onHello(listener: (from: string, ts: number) => void): () => void {
    this.helloListeners.add(listener);
    return () => void this.helloListeners.delete(listener);
  }

  /**
   * Hands `perRemote` messages of about `bytes` bytes for each remote's queue to the socket now. One round
   * at a time.
   */
  fanOut(ids: readonly string[], bytes: number, perRemote = 1): FanOut {
    if (this.round) throw new Error('one round at a time');
    const id = ++this.roundSeq;
    const pad = 'x'.repeat(Math.max(0, bytes - 40));
    const bodies = new Map<string, string>();
    for (const rid of ids) {
      for (let n = 0; n < perRemote; n++) bodies.set(keyOf(rid, n), JSON.stringify({ round: id, n, pad }));
    }
    let stored: () => void = () => undefined;
    let replied: () => void = () => undefined;
    const out: FanOut = {
      round: id,
      stored: new Promise((resolve) => (stored = resolve)),
      replied: new Promise<void>((resolve) => (replied = resolve)).then(() => {
        this.round = undefined;
      }),
    };
    const keys = [...bodies.keys()];
    const round: Round = { id, bodies, waiting: new Set(keys), unreceipted: new Set(keys), stored, replied };
    this.round = round;
    this.sendAll(round);
    return out;
  }

  /**
   * Gives up the round under way, whose `replied` then never settles: what a remote never answered stays
   * unanswered (a failover run's deadline passed), and the next round can start.
   */
  abandon(): void {
    this.round = undefined;
  }

  private sendAll(round: Round): void {
    const client = this.link.client;
    if (!client) return;
    for (const key of round.unreceipted) {
      sendPersistent(client, bareRemoteQueue(ridOf(key)), round.bodies.get(key) ?? '', () => {
        round.unreceipted.delete(key);
        if (round.unreceipted.size === 0) round.stored();
      });
    }
  }

  private onOpen(client: BareClient): void {
    client.subscribe({ destination: bareConsoleQueue(this.consoleId), ack: 'client-individual' }, (e, m) => {
      if (e) return;
      const message = m as BareMessage;
      void readBody(message).then((text) => {
        client.ack(message);
        const a = parseBody(BareAnswer, text);
        if (!a) {
          this.malformed++;
          return;
        }
        if ('hello' in a) {
          for (const l of this.helloListeners) l(a.from, a.hello);
          return;
        }
        const key = keyOf(a.from, a.n);
        const counted = `${a.round} ${key}`;
        this.answers.set(counted, (this.answers.get(counted) ?? 0) + 1);
        const r = this.round;
        if (!r || r.id !== a.round || !r.waiting.delete(key)) return;
        if (r.waiting.size === 0) r.replied();
      });
    });
    // A round under way when the last session died: what has no receipt may not be stored, so again.
    if (this.round) this.sendAll(this.round);
  }
}
