/**
 * The bare-broker baseline's STOMP client: stompit over node:tls and nothing of SMT (no envelope, no
 * signature, no outbox, no ledger), with the same certificates, connector and heart-beats, so the ratio
 * SMT / bare is SMT's own cost.
 */
import { connect } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import stompit from 'stompit';

export interface BareBroker {
  host: string;
  port: number;
}

export interface BareTls {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

export type BareClient = stompit.Client;
export type BareMessage = stompit.Client.Message & { headers: Record<string, string | number> };

/** The heart-beats SMT uses (docs/architecture.md), so both sides pay the same idle cost. */
const heartbeat = { send: 2000, expect: 1000, graceMs: 1500 };

/**
 * One STOMP session over mutual TLS. CONNECT waits for the broker's TLS 1.3 session ticket: ActiveMQ's
 * stomp+nio+ssl loses or doubles a CONNECT that arrives with the end of the handshake (lab-facts.md,
 * docs/architecture.md); every client of this connector has to, not only SMT's.
 */
export function openSession(broker: BareBroker, tls: BareTls, timeoutMs = 10_000): Promise<BareClient> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy(e);
      reject(e);
    };
    const socket = connect({ host: broker.host, port: broker.port, ...tls, minVersion: 'TLSv1.2' }, () => {
      let asked = false;
      const go = () => {
        clearTimeout(fallback);
        if (asked) return;
        asked = true;
        setImmediate(() =>
          client.connect(
            {
              host: broker.host,
              'accept-version': '1.2',
              'heart-beat': `${heartbeat.send},${heartbeat.expect}`,
            },
            (e) => {
              if (e) return fail(e);
              settled = true;
              clearTimeout(timer);
              resolve(client);
            },
          ),
        );
      };
      const fallback = setTimeout(go, socket.getProtocol() === 'TLSv1.3' ? 100 : 0);
      socket.once('session', go);
    });
    const client = new stompit.Client(socket, {
      heartbeat: [heartbeat.send, heartbeat.expect],
      heartbeatDelayMargin: heartbeat.graceMs,
    });
    // Kept for the session's life: a later error ends it through the owner's 'error' listener.
    client.on('error', fail);
    const timer = setTimeout(() => fail(new Error(`no session within ${timeoutMs} ms`)), timeoutMs);
  });
}

/**
 * A persistent SEND with content-length; `onReceipt` runs when the broker has stored it. A session that
 * dies first never calls it: the owner resends what has no receipt on its next session.
 */
export function sendPersistent(
  client: BareClient,
  destination: string,
  body: string,
  onReceipt: () => void,
): void {
  const bytes = Buffer.from(body, 'utf8');
  const headers = {
    destination,
    persistent: 'true',
    'content-type': 'application/json',
    'content-length': String(bytes.length),
  };
  // stompit's typings want onError too; given, it would add a listener per frame.
  client.send(headers, { onReceipt } as stompit.Client.SendOptions).end(bytes);
}

/** Reads a MESSAGE body (stompit stalls if one is left unread). */
export function readBody(message: BareMessage): Promise<string> {
  return new Promise((resolve, reject) =>
    message.readString('utf8', (e, body) => (e ? reject(e) : resolve(body ?? ''))),
  );
}

/**
 * The wait after the n-th round in a row where no broker answered: doubling from 100 ms to 3 s, ±25 %,
 * as a client library's reconnect backoff does (stompit's own doubles too) and as SMT's does. A fixed
 * 250 ms made 500 bare remotes ask a failing-over broker for 2,000 TLS handshakes a second, which kept
 * it from ever catching up.
 */
export function bareRetryMs(round: number, random: number): number {
  const base = Math.min(3000, 100 * 2 ** Math.max(0, round - 1));
  return base * (0.75 + 0.5 * random);
}

/**
 * A session kept open: the brokers tried in order (a standby opens no port), again after bareRetryMs when
 * none answered, and from the first again at once when a session ends. `onOpen` sets up each new session
 * (subscriptions, a hello).
 */
export class BareLink {
  client: BareClient | undefined;
  private stopped = false;
  private firstOpen: Promise<void>;
  private opened: () => void = () => undefined;

  constructor(
    private readonly brokers: readonly BareBroker[],
    private readonly tls: BareTls,
    private readonly onOpen: (client: BareClient) => void,
  ) {
    this.firstOpen = new Promise((resolve) => (this.opened = resolve));
  }

  /** Starts the loop; resolves at the first open session. */
  start(): Promise<void> {
    void this.run();
    return this.firstOpen;
  }

  stop(): void {
    this.stopped = true;
    this.client?.destroy(new Error('stopped'));
  }

  private async openAny(): Promise<BareClient | undefined> {
    for (const b of this.brokers) {
      try {
        return await openSession(b, this.tls);
      } catch {
        // The next broker; a standby refuses at once.
      }
    }
    return undefined;
  }

  private async run(): Promise<void> {
    let failedRounds = 0;
    while (!this.stopped) {
      const client = await this.openAny();
      if (!client) {
        await delay(bareRetryMs(++failedRounds, Math.random()));
        continue;
      }
      failedRounds = 0;
      if (this.stopped) {
        client.destroy(new Error('stopped'));
        return;
      }
      const ended = new Promise<void>((resolve) => {
        client.once('error', () => resolve());
        client.once('end', () => resolve());
      });
      this.client = client;
      this.onOpen(client);
      this.opened();
      await ended;
      this.client = undefined;
    }
  }
}
