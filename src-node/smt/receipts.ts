import type stompit from 'stompit';
import { SmtSessionLostError } from './errors';

/** stompit's typings make both callbacks mandatory; passing onError would add a listener per frame. */
export const receiptOption = (onReceipt: () => void) => ({ onReceipt }) as stompit.Client.SendOptions;

/**
 * The frames of one session that wait for their receipt (send, ack, subscribe, commit, unsubscribe). A
 * receipt not back within `timeoutMs` means the broker lost the frame: `onOverdue` ends the session, so
 * what waits on it is retried on the next one instead of waiting forever.
 */
export class Receipts {
  /** Each frame awaiting its receipt: how to fail its waiter, and when the receipt is overdue. */
  private readonly pending = new Map<(cause: string) => void, number>();
  private readonly watch: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    onOverdue: (why: string) => void,
  ) {
    this.watch = setInterval(
      () => {
        if (this.overdue()) {
          onOverdue(
            `the broker confirmed nothing for ${timeoutMs} ms: it lost a frame, so the session is opened again`,
          );
        }
      },
      Math.max(50, Math.min(5_000, timeoutMs / 4)),
    );
  }

  /**
   * Registers a frame that waits for its receipt: the returned callback (the frame's onReceipt) settles
   * it; `failAll`, at the end of the session, rejects it with SmtSessionLostError.
   */
  expect(what: string, resolve: () => void, reject: (e: Error) => void): () => void {
    const fail = (cause: string) => reject(new SmtSessionLostError(what, cause));
    this.pending.set(fail, this.now() + this.timeoutMs);
    return () => {
      this.pending.delete(fail);
      resolve();
    };
  }

  private overdue(): boolean {
    const now = this.now();
    for (const due of this.pending.values()) if (due <= now) return true;
    return false;
  }

  /** No more overdue checks: the session is being closed, receipts may still come until it ends. */
  stopWatching(): void {
    clearInterval(this.watch);
  }

  /** The session ended: every frame still waiting fails with the cause. */
  failAll(cause: string): void {
    this.stopWatching();
    for (const fail of this.pending.keys()) fail(cause);
    this.pending.clear();
  }
}
