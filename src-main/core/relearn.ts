import { HelloBody, makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import { ReplyTracker } from './reply-tracker';

export interface RelearnOptions {
  /** At most one hello query per remote per this many ms. */
  perRemoteIntervalMs: number;
  /** Queries awaiting a reply at once: a restarted console facing 1,000 remotes asks in waves. */
  maxInFlight: number;
  /** An unanswered query frees its slot after this long (the remote may have gone; the query expires). */
  replyTimeoutMs: number;
  /**
   * Live data can overtake the hello sent just before it (another destination): a remote first heard
   * this recently gets the time for its hello to arrive before it is asked.
   */
  helloGraceMs: number;
}

export const defaultRelearnOptions: RelearnOptions = {
  perRemoteIntervalMs: 30_000,
  maxInFlight: 50,
  replyTimeoutMs: 10_000,
  helloGraceMs: 2_000,
};

export interface RelearnDeps {
  consoleId: string;
  now: () => number;
  /** Sends one hello query to the remote; rejects when it could not be sent. */
  send: (rid: string, query: Envelope<'query'>) => Promise<void>;
  /** A remote's hello as its reply carried it: feed it to the fleet as if the hello had arrived. */
  learn: (rid: string, hello: Body<'hello'>, reply: Envelope<'reply'>) => void;
  log: LogSink;
}

export interface RelearnCounters {
  asked: number;
  learned: number;
  /** Not sent: the session was gone. */
  unsent: number;
  timedOut: number;
  /** Answered `ok: false`: an agent that does not know the query; not asked again until its next hello. */
  refused: number;
  /** Answered with data that is not a hello body. */
  invalid: number;
  /** A reply carrying our query id from a remote we did not ask. */
  mismatched: number;
  /** A reply to no query of this core (an earlier run's, or one that timed out). */
  unmatched: number;
}

interface Asked {
  rid: string;
  at: number;
}

/**
 * Re-learns remotes a console has live data from but no hello for. Hello is sent on connect only and
 * consumed once from the console id's copy of the inventory (shared by its processes), so a console
 * that restarts while its fleet stays connected, or whose hello another process of its id read, would
 * show rows without host details: it asks each such remote for its hello instead, at most once
 * per remote per interval and with a bounded number in flight. Pure apart from the injected send.
 */
export class Relearner {
  private readonly opts: RelearnOptions;
  private readonly known = new Set<string>();
  private readonly refusedBy = new Set<string>();
  /** Waiting to be asked: when each was first heard, in arrival order (so times never decrease). */
  private readonly pending = new Map<string, number>();
  private readonly inFlight: ReplyTracker<Asked>;
  private readonly lastAsked = new Map<string, number>();
  private readonly logged = new Set<string>();
  private readonly count: RelearnCounters = {
    asked: 0,
    learned: 0,
    unsent: 0,
    timedOut: 0,
    refused: 0,
    invalid: 0,
    mismatched: 0,
    unmatched: 0,
  };
  private ready = false;

  constructor(
    private readonly deps: RelearnDeps,
    opts: Partial<RelearnOptions> = {},
  ) {
    this.opts = { ...defaultRelearnOptions, ...opts };
    this.inFlight = new ReplyTracker(this.opts.maxInFlight);
  }

  counters(): RelearnCounters {
    return { ...this.count };
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Whether the session can carry queries now; queries wait while it cannot. */
  setReady(ready: boolean): void {
    this.ready = ready;
    this.pump();
  }

  /** A hello arrived on the inventory: this remote is known, whatever was pending for it. */
  helloFrom(rid: string): void {
    this.known.add(rid);
    this.refusedBy.delete(rid);
    this.pending.delete(rid);
    this.lastAsked.delete(rid);
  }

  /** Live data (stats, presence online) arrived: ask for the hello if this core has none. */
  liveFrom(rid: string): void {
    if (this.known.has(rid) || this.refusedBy.has(rid) || this.pending.has(rid)) return;
    const last = this.lastAsked.get(rid);
    if (last !== undefined && this.deps.now() - last < this.opts.perRemoteIntervalMs) return;
    this.pending.set(rid, this.deps.now());
    this.pump();
  }

  /** A reply that passed the inbound guard (its `from` is the broker-stamped sender). */
  reply(env: Envelope<'reply'>): void {
    const matched = this.inFlight.match(env);
    if (matched.kind === 'unknown') {
      this.count.unmatched++;
      this.deps.log({
        level: 'debug',
        msg: `console: a reply from ${env.from} to no pending query`,
        corr: env.corr,
      });
      return;
    }
    const { asked } = matched;
    if (matched.kind === 'impostor') {
      // Someone else answered with our query id: keep waiting for the remote we asked.
      this.count.mismatched++;
      this.warnOnce(env.from, 'mismatched', `answered the hello query sent to ${asked.rid}`);
      return;
    }
    const body = env.body;
    if (!body.ok) {
      this.count.refused++;
      this.refusedBy.add(asked.rid);
      this.warnOnce(asked.rid, 'refused', `refused the hello query: ${body.error}`);
    } else {
      const hello = HelloBody.safeParse(body.data);
      if (!hello.success) {
        this.count.invalid++;
        this.warnOnce(
          asked.rid,
          'invalid',
          `answered the hello query with no hello body: ${hello.error.message}`,
        );
      } else if (!this.known.has(asked.rid)) {
        this.known.add(asked.rid);
        this.count.learned++;
        this.deps.learn(asked.rid, hello.data, env);
      }
    }
    this.pump();
  }

  /** Frees the slots of unanswered queries and asks whoever is due; called on the core's sweep timer. */
  sweep(): void {
    const now = this.deps.now();
    for (const [id, asked] of this.inFlight.entries()) {
      if (now - asked.at >= this.opts.replyTimeoutMs) {
        this.inFlight.remove(id);
        this.count.timedOut++;
      }
    }
    this.pump();
  }

  private pump(): void {
    const now = this.deps.now();
    while (this.ready && !this.inFlight.full) {
      const next = this.pending.entries().next().value;
      if (next === undefined || now - next[1] < this.opts.helloGraceMs) return;
      this.pending.delete(next[0]);
      this.ask(next[0]);
    }
  }

  private ask(rid: string): void {
    const now = this.deps.now();
    const query = makeEnvelope('query', this.deps.consoleId, { query: 'hello' }, { ts: now });
    this.inFlight.add(query.id, { rid, at: now });
    this.lastAsked.set(rid, now);
    this.count.asked++;
    this.deps.send(rid, query).catch((e: unknown) => {
      if (this.inFlight.remove(query.id)) this.count.unsent++;
      this.deps.log({ level: 'debug', msg: `console: hello query to ${rid} not sent`, error: String(e) });
      this.pump();
    });
  }

  private warnOnce(rid: string, reason: string, detail: string): void {
    const key = `${rid}\u0000${reason}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.deps.log({ level: 'warn', msg: `console: remote ${rid} ${detail}`, remote: rid, reason });
  }
}
