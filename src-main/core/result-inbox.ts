import { setTimeout as delay } from 'node:timers/promises';
import type { Envelope } from '../../src-shared/protocol';
import type { LogSink } from '../../src-node/log';
import { ackQuietly, type Checked, type InboundMessage } from '../../src-node/smt';
import { turnBatcher } from '../../src-node/turn-batch';

export type ResultsListener = (results: readonly Envelope<'result'>[]) => void;

/**
 * A result listener may throw an error marked `retryable: true` (the outbox's disk is full, see
 * store/unwritable.ts): the results of that batch are then kept unacknowledged and handed to the listeners
 * again after these waits (doubling), instead of being acknowledged and lost.
 */
const RESULT_RETRY_MS = { first: 1_000, max: 30_000 };
const isRetryable = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;

/** A result frame as read, with its envelope if the guard let it through (a rejected one is still acked). */
interface ResultFrame {
  env: Envelope<'result'> | undefined;
  m: InboundMessage;
}

/**
 * The console's result queue (delivered / applied / failed … from remotes): the results of one turn of
 * the event loop go to the listeners together, so a listener can store a burst of a thousand in one
 * transaction, and are acknowledged after every listener ran, or kept and offered again while a listener
 * says its store cannot take them yet.
 */
export class ResultInbox {
  private readonly listeners = new Set<ResultsListener>();
  /** Result messages of this turn of the event loop: handed to the listeners together, then acked. */
  private readonly gather = turnBatcher<ResultFrame>((batch) => this.flush(batch));
  /** Aborted at close: ends the waits of results kept for another try (they stay unacknowledged). */
  private closing = new AbortController();
  private open = false;

  constructor(private readonly log: LogSink) {}

  /** While open, kept results are offered again; once closed they wait unacknowledged for the next session. */
  setOpen(open: boolean): void {
    this.open = open;
    if (!open) {
      this.closing.abort();
      this.closing = new AbortController();
    }
  }

  /** Results in batches; listeners run in the order they were added. */
  onResults(listener: ResultsListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** One result at a time, for listeners that do not store a burst together (onResults). */
  onResult(listener: (result: Envelope<'result'>) => void): () => void {
    return this.onResults((results) => {
      let later: unknown;
      for (const r of results) {
        const retryable = this.runListener(() => listener(r));
        later ??= retryable;
      }
      // The batch is offered again (flush); the results this listener took must be repeats to it.
      if (later) throw later;
    });
  }

  /** Takes one frame of the result queue as the guard judged it. */
  take(checked: Checked<'result'>, m: InboundMessage): void {
    void this.gather({ env: checked.ok ? checked.envelope : undefined, m });
  }

  private async flush(batch: readonly ResultFrame[]): Promise<void> {
    const results = batch.flatMap((b) => (b.env ? [b.env] : []));
    for (
      let wait = RESULT_RETRY_MS.first;
      results.length > 0;
      wait = Math.min(RESULT_RETRY_MS.max, wait * 2)
    ) {
      const later = this.runListeners(results);
      if (!later) break;
      this.log({
        level: wait === RESULT_RETRY_MS.first ? 'error' : 'debug',
        msg: `${results.length} results (the first from ${results[0]?.from} for ${results[0]?.body.ref}) kept to be taken again in ${wait / 1000} s`,
        error: later instanceof Error ? later.message : String(later),
      });
      // Closed meanwhile: unacknowledged, they go to the next session or console.
      if (!(await this.pause(wait))) return;
    }
    // A rejected frame is acknowledged too: it is dropped, not left to be redelivered forever.
    await Promise.all(batch.map((b) => ackQuietly(b.m, this.log)));
  }

  /** Runs every listener; returns the first retryable error, logging any other. */
  private runListeners(results: readonly Envelope<'result'>[]): unknown {
    let later: unknown;
    for (const l of this.listeners) {
      const retryable = this.runListener(() => l(results));
      later ??= retryable;
    }
    return later;
  }

  /** Runs one listener: returns its error when retryable, logs any other. */
  private runListener(call: () => void): unknown {
    try {
      call();
    } catch (e) {
      if (isRetryable(e)) return e;
      this.log({ level: 'error', msg: 'result listener failed', error: String(e) });
    }
    return undefined;
  }

  /** Resolves true after `ms`, or false at once when the inbox closes. */
  private async pause(ms: number): Promise<boolean> {
    if (!this.open) return false;
    const { signal } = this.closing;
    return delay(ms, undefined, { signal }).then(
      () => this.open,
      () => false,
    );
  }
}
