import type { Envelope } from '../../src-shared/protocol';

/** What a reply is to this core's queries. */
export type Matched<A> =
  /** The answer to a query of ours from the remote asked: no longer awaited. */
  | { kind: 'answer'; asked: A }
  /** Our query id from another remote: ignored, the remote asked is still awaited. */
  | { kind: 'impostor'; asked: A }
  /** No query of ours awaits it: late (timed out), another run's, or carrying no corr. */
  | { kind: 'unknown' };

/**
 * Queries awaiting their reply, by query id (the reply's `corr`): a reply counts only from the remote
 * that was asked (the broker-stamped sender the inbound guard checked). One tracker for every asker of
 * the core (a caller's query, the relearner's hello queries), each keeping its own timeouts: removing an
 * entry makes a late reply to it unknown. Bounded, so a caller's bug cannot grow it without end.
 */
export class ReplyTracker<A extends { rid: string }> {
  private readonly waiting = new Map<string, A>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.waiting.size;
  }

  get full(): boolean {
    return this.waiting.size >= this.max;
  }

  /** Awaits the reply to query `id` from `asked.rid`. */
  add(id: string, asked: A): void {
    this.waiting.set(id, asked);
  }

  /** Stops awaiting query `id` (timed out, not sent, abandoned); what was awaited, if it still was. */
  remove(id: string): A | undefined {
    const asked = this.waiting.get(id);
    this.waiting.delete(id);
    return asked;
  }

  /** Every query still awaited, by id (a sweep or close may remove them while iterating). */
  entries(): IterableIterator<[string, A]> {
    return this.waiting.entries();
  }

  match(env: Envelope<'reply'>): Matched<A> {
    const asked = env.corr === undefined ? undefined : this.waiting.get(env.corr);
    if (asked === undefined || env.corr === undefined) return { kind: 'unknown' };
    if (asked.rid !== env.from) return { kind: 'impostor', asked };
    this.waiting.delete(env.corr);
    return { kind: 'answer', asked };
  }
}
