import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SenderBuckets } from './rate-limit';

const limit = { perSecond: 10, burst: 5 };

describe('SenderBuckets', () => {
  it.each([
    ['a full burst at once, then nothing', [0, 0, 0, 0, 0, 0], [true, true, true, true, true, false]],
    [
      'one token back every 100 ms',
      [0, 0, 0, 0, 0, 0, 100, 100, 250],
      [true, true, true, true, true, false, true, false, true],
    ],
    [
      'a clock that steps back refills nothing',
      [1000, 1000, 1000, 1000, 1000, 0, 500],
      [true, true, true, true, true, false, false],
    ],
    [
      'a long silence refills to the burst, no more',
      [0, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000],
      [true, true, true, true, true, true, false],
    ],
  ])('%s', (_what, times, expected) => {
    const b = new SenderBuckets(limit);
    expect(times.map((t) => b.take('r-0001', t))).toEqual(expected);
  });

  it('refuses a limit that could never admit a frame', () => {
    expect(() => new SenderBuckets({ perSecond: 0, burst: 5 })).toThrow(/perSecond > 0/);
    expect(() => new SenderBuckets({ perSecond: 1, burst: 0.5 })).toThrow(/burst >= 1/);
  });

  // Frames as (sender, console clock); the clock only moves forward, as Date.now does between frames.
  const traffic = fc
    .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 400 })), { maxLength: 300 })
    .map((steps) => {
      let t = 0;
      return steps.map(([sender, dt]) => ({ sender, at: (t += dt) }));
    });

  it('admits no more than the burst plus the rate over any stretch of time, per sender', () => {
    fc.assert(
      fc.property(traffic, (frames) => {
        const b = new SenderBuckets(limit);
        const admitted = frames.filter((f) => b.take(f.sender, f.at));
        for (const sender of ['a', 'b', 'c']) {
          const times = admitted.filter((f) => f.sender === sender).map((f) => f.at);
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const span = (times[j] as number) - (times[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(limit.burst + (span * limit.perSecond) / 1000 + 1e-9);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never lets one sender's traffic change what another is admitted", () => {
    fc.assert(
      fc.property(traffic, (frames) => {
        const shared = new SenderBuckets(limit);
        const alone = new SenderBuckets(limit);
        for (const f of frames) {
          const verdict = shared.take(f.sender, f.at);
          if (f.sender === 'a') expect(verdict).toBe(alone.take('a', f.at));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never refuses a sender that keeps to its rate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1000 / limit.perSecond, max: 5000 }), { maxLength: 200 }),
        (gaps) => {
          const b = new SenderBuckets(limit);
          let t = 0;
          for (const gap of gaps) expect(b.take('r-0001', (t += gap))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps at most maxSenders buckets, forgetting refilled ones first', () => {
    const b = new SenderBuckets(limit, 3);
    for (const s of ['a', 'b', 'c']) b.take(s, 0);
    // b's bucket is empty now: forgetting it would hand it a fresh burst.
    for (let i = 0; i < limit.burst; i++) b.take('b', 990);
    b.take('d', 1000);
    expect(b.size).toBe(2);
    expect(b.take('b', 1000)).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 100 }), (senders) => {
        const many = new SenderBuckets(limit, 10);
        senders.forEach((s, i) => many.take(s, i));
        expect(many.size).toBeLessThanOrEqual(10);
      }),
      { numRuns: 200 },
    );
  });
});
