/**
 * Wrong passphrases in a row are slowed (docs/profiles.md, "Unlocking"): the first few are free, then each
 * try waits twice as long as the one before, up to a minute. The console enforces it, so a page that skips
 * the wait still gets refused. scrypt is what protects a copied key file; this stops a page (or a script on
 * the token-authenticated bridge) from guessing quickly through the running console.
 */

/** Tries in a row that are answered at once. */
export const FREE_TRIES = 3;
export const FIRST_WAIT_MS = 1_000;
export const MAX_WAIT_MS = 60_000;

/** How long the next try must wait after `failures` wrong passphrases in a row. */
export function unlockDelayMs(failures: number): number {
  if (failures <= FREE_TRIES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES - 1));
}

export interface ThrottleState {
  failures: number;
  /** When the last wrong passphrase was given (the console's clock). */
  lastFailureAt: number;
}

/** What is left of the wait at `now`; 0 when a try is allowed. */
export function retryAfterMs(state: ThrottleState, now: number): number {
  return Math.max(0, state.lastFailureAt + unlockDelayMs(state.failures) - now);
}

/** The console's one count of wrong passphrases in a row, whichever profile they were for. */
export class UnlockThrottle {
  private state: ThrottleState = { failures: 0, lastFailureAt: 0 };

  constructor(private readonly now: () => number) {}

  waitMs(): number {
    return retryAfterMs(this.state, this.now());
  }

  failed(): void {
    this.state = { failures: this.state.failures + 1, lastFailureAt: this.now() };
  }

  succeeded(): void {
    this.state = { failures: 0, lastFailureAt: 0 };
  }
}

/** The refusal while the wait runs, with what is left of it. */
export const waitMessage = (ms: number) =>
  `Too many wrong passphrases in a row: wait ${Math.ceil(ms / 1000)} s before the next try.`;
