import { describe, expect, it } from 'vitest';
import { distribution } from './stats';

describe('distribution', () => {
  it('takes nearest-rank percentiles: actual samples, never interpolated', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(distribution(samples)).toEqual({ runs: 200, p50: 100, p95: 190, p99: 198, max: 200 });
  });

  it('gives the maximum as p99 below 100 samples, and refuses none', () => {
    expect(distribution([5, 1, 3])).toEqual({ runs: 3, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(() => distribution([])).toThrow('no samples');
  });
});
