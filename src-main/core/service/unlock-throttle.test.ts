import { describe, expect, it } from 'vitest';
import { MAX_WAIT_MS, UnlockThrottle, retryAfterMs, unlockDelayMs, waitMessage } from './unlock-throttle';

describe('unlock throttle', () => {
  it('lets three wrong tries through, then doubles the wait from a second up to a minute', () => {
    expect([0, 1, 2, 3].map(unlockDelayMs)).toEqual([0, 0, 0, 0]);
    expect([4, 5, 6, 7, 8, 9, 10].map(unlockDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000,
    ]);
    expect(unlockDelayMs(1_000)).toBe(MAX_WAIT_MS);
  });

  it('counts the wait from the last wrong try', () => {
    expect(retryAfterMs({ failures: 5, lastFailureAt: 10_000 }, 10_500)).toBe(1_500);
    expect(retryAfterMs({ failures: 5, lastFailureAt: 10_000 }, 12_000)).toBe(0);
    expect(retryAfterMs({ failures: 2, lastFailureAt: 10_000 }, 10_000)).toBe(0);
  });

  it('holds the count until a success resets it', () => {
    let now = 0;
    const t = new UnlockThrottle(() => now);
    for (let i = 0; i < 3; i++) t.failed();
    expect(t.waitMs()).toBe(0);
    t.failed();
    expect(t.waitMs()).toBe(1_000);
    now = 400;
    expect(t.waitMs()).toBe(600);
    now = 1_000;
    expect(t.waitMs()).toBe(0);
    t.failed();
    expect(t.waitMs()).toBe(2_000);
    t.succeeded();
    expect(t.waitMs()).toBe(0);
    expect(waitMessage(1_200)).toBe('Too many wrong passphrases in a row: wait 2 s before the next try.');
  });
});
