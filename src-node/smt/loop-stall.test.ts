import { afterEach, describe, expect, it } from 'vitest';
import { LoopStallMeter } from './loop-stall';

const hold = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

describe('LoopStallMeter', () => {
  const meters: LoopStallMeter[] = [];
  afterEach(() => {
    for (const m of meters.splice(0)) m.close();
  });

  /** A meter that has timed the loop once, so the hold that follows is seen. */
  const runningMeter = async (windowMs: number) => {
    const meter = new LoopStallMeter(windowMs);
    meters.push(meter);
    await expect.poll(() => meter.started()).toBe(true);
    return meter;
  };

  it('reports a hold of the event loop once the loop runs again', async () => {
    const meter = await runningMeter(60_000);
    hold(400);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeGreaterThanOrEqual(350);
  });

  it('forgets a hold two windows later', async () => {
    const meter = await runningMeter(100);
    hold(300);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeGreaterThanOrEqual(250);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeLessThan(250);
  });
});
