import { makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import { ReplyTracker } from './reply-tracker';
import { errorText } from '../../src-shared/util/error-text';

/** No reply from the remote in time: it may be offline (a query is not kept for it), slow, or gone. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
  constructor(
    readonly remoteId: string,
    readonly timeoutMs: number,
  ) {
    super(`remote ${remoteId} did not answer the query within ${timeoutMs} ms`);
  }
}

/** Too many queries await a reply already: the caller asks again later or asks fewer at once. */
export class QueryBusyError extends Error {
  override name = 'QueryBusyError';
  constructor(limit: number) {
    super(`${limit} queries already await a reply; not sent`);
  }
}

export interface PendingQueriesDeps {
  consoleId: string;
  now: () => number;
  /** Sends the query to the remote's query queue with this console's reply queue as reply-to. */
  send: (rid: string, query: Envelope<'query'>) => Promise<void>;
  log: LogSink;
}

interface Pending {
  rid: string;
  resolve: (reply: Body<'reply'>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A caller's queries awaiting their reply (ReplyTracker): a query unanswered in time rejects with
 * QueryTimeoutError naming the remote, and at most `maxPending` wait at once.
 */
export class PendingQueries {
  private readonly pending: ReplyTracker<Pending>;

  constructor(
    private readonly deps: PendingQueriesDeps,
    maxPending = 1024,
  ) {
    this.pending = new ReplyTracker(maxPending);
  }

  get size(): number {
    return this.pending.size;
  }

  ask(rid: string, body: Body<'query'>, opts: { timeoutMs: number }): Promise<Body<'reply'>> {
    if (this.pending.full) return Promise.reject(new QueryBusyError(this.pending.max));
    const query = makeEnvelope('query', this.deps.consoleId, body, { ts: this.deps.now() });
    return new Promise<Body<'reply'>>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.remove(query.id)) reject(new QueryTimeoutError(rid, opts.timeoutMs));
      }, opts.timeoutMs);
      this.pending.add(query.id, { rid, resolve, reject, timer });
      this.deps.send(rid, query).catch((e: unknown) => {
        if (this.settle(query.id)) {
          reject(new Error(`query to ${rid} not sent: ${errorText(e)}`));
        }
      });
    });
  }

  /** Takes a reply to one of these queries; false when it answers none (it is someone else's). */
  take(env: Envelope<'reply'>): boolean {
    const matched = this.pending.match(env);
    switch (matched.kind) {
      case 'unknown':
        return false;
      case 'impostor':
        // Another remote answered with our query id: ignore it and keep waiting for the one asked.
        this.deps.log({
          level: 'warn',
          msg: `console: remote ${env.from} answered the query sent to ${matched.asked.rid}; ignored`,
          remote: env.from,
        });
        return true;
      case 'answer':
        clearTimeout(matched.asked.timer);
        matched.asked.resolve(env.body);
        return true;
    }
  }

  /** Rejects every waiting query (the core stops). */
  close(reason: string): void {
    for (const [id, p] of this.pending.entries()) {
      this.settle(id);
      p.reject(new Error(`query to ${p.rid} abandoned: ${reason}`));
    }
  }

  private settle(id: string): boolean {
    const p = this.pending.remove(id);
    if (p === undefined) return false;
    clearTimeout(p.timer);
    return true;
  }
}
