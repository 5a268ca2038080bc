/** setTimeout's longest delay; a farther deadline is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When each push with a deadline is due for its next expiry pass, on one timer for the nearest: a
 * thousand pushes with deadlines are one timer, not a thousand.
 */
export class Deadlines {
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly now: () => number,
    /** A push whose time came; it is not due again unless set anew. */
    private readonly onDue: (pushId: string) => void,
    /** The deadlines of pushes still under way, as the outbox holds them. */
    initial: Iterable<{ pushId: string; expiresAt: number }> = [],
  ) {
    for (const d of initial) this.due.set(d.pushId, d.expiresAt);
    this.arm();
  }

  /** The push is due at `at` (epoch ms), instead of whenever it was due before. */
  set(pushId: string, at: number): void {
    this.due.set(pushId, at);
    this.arm();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.due.size === 0) return;
    const next = Math.min(...this.due.values());
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.now()));
    this.timer = setTimeout(() => this.fire(), delay);
    // A deadline alone does not keep a process (the CLI) alive.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    for (const [pushId, at] of this.due) {
      if (at > now) continue;
      this.due.delete(pushId);
      this.onDue(pushId);
    }
    this.arm();
  }
}
