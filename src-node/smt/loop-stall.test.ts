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

  it('reports a hold of the event loop once the loop runs again', async () => {
    const meter = new LoopStallMeter(60_000);
    meters.push(meter);
    await expect.poll(() => meter.started()).toBe(true);
    hold(400);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeGreaterThanOrEqual(350);
  });

  it('forgets a hold two windows later', async () => {
    const meter = new LoopStallMeter(100);
    meters.push(meter);
    await expect.poll(() => meter.started()).toBe(true);
    hold(300);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeGreaterThanOrEqual(250);
    await expect.poll(() => meter.recentMaxMs(), { timeout: 5_000 }).toBeLessThan(250);
  });
});
