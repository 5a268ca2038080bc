/** A sustained rate with a burst on top: what one sender may send on the channels a bucket covers. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per sender, so a sender over its rate is held back and no other sender is. Pure: the
 * clock is an argument, nothing runs on a timer. Memory stays bounded by `maxSenders`: past it, buckets
 * that have refilled (the same as a new one) are forgotten, and when none has, the one seen first is.
 */
export class SenderBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly maxSenders = 10_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(`a rate limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
    }
  }

  /** Spends one token of this sender's bucket; false when it is empty (the frame is over the rate). */
  take(sender: string, now: number): boolean {
    const b = this.buckets.get(sender) ?? this.add(sender, now);
    // A clock that steps back refills nothing and takes nothing away.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.limit.burst, b.tokens + (elapsed * this.limit.perSecond) / 1000);
    b.at = Math.max(b.at, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private add(sender: string, now: number): Bucket {
    if (this.buckets.size >= this.maxSenders) this.forget(now);
    const b = { tokens: this.limit.burst, at: now };
    this.buckets.set(sender, b);
    return b;
  }

  private forget(now: number): void {
    const refill = (this.limit.burst * 1000) / this.limit.perSecond;
    for (const [sender, b] of this.buckets) {
      if (now - b.at >= refill) this.buckets.delete(sender);
    }
    if (this.buckets.size >= this.maxSenders) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}
