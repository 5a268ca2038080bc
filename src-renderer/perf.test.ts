import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { measureToPaint } from './perf';

describe('measureToPaint', () => {
  beforeEach(() => {
    // Timers only: the measure is read from the real `performance`.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) =>
      setTimeout(() => cb(performance.now()), 16),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    performance.clearMeasures();
  });

  it('measures from the given start to once the next frame is painted', () => {
    const start = performance.now() - 5;
    measureToPaint('test:paint', start);
    vi.advanceTimersByTime(15);
    expect(performance.getEntriesByName('test:paint')).toHaveLength(0);
    vi.advanceTimersByTime(5);
    const [m] = performance.getEntriesByName('test:paint');
    expect(m?.startTime).toBe(start);
    expect(m?.duration).toBeGreaterThanOrEqual(5);
  });
});
