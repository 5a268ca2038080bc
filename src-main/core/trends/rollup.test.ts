import { describe, expect, it } from 'vitest';
import { trendTiers } from '../../../src-shared/trends/trend';
import { Rollup } from './rollup';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % trendTiers['30d'].stepMs);

describe('Rollup', () => {
  it('folds samples of one bucket into avg, min, max and a count, per tier', () => {
    const r = new Rollup();
    expect(r.add('r-1', 'cpu', T0 + 1_000, 10)).toEqual([]);
    expect(r.add('r-1', 'cpu', T0 + 5_000, 30)).toEqual([]);
    for (const range of ['1h', '24h', '30d'] as const) {
      expect(r.partial('r-1', 'cpu', range)).toEqual({
        remoteId: 'r-1',
        metric: 'cpu',
        range,
        t: T0,
        n: 2,
        avg: 20,
        min: 10,
        max: 30,
      });
    }
  });

  it('closes a tier’s bucket when a sample falls in a later one, and only that tier’s', () => {
    const r = new Rollup();
    r.add('r-1', 'cpu', T0 + 1_000, 10);
    const closed = r.add('r-1', 'cpu', T0 + 10_000, 50);
    expect(closed).toEqual([
      { remoteId: 'r-1', metric: 'cpu', range: '1h', t: T0, n: 1, avg: 10, min: 10, max: 10 },
    ]);
    expect(r.partial('r-1', 'cpu', '1h')).toMatchObject({ t: T0 + 10_000, n: 1, avg: 50 });
    expect(r.partial('r-1', 'cpu', '24h')).toMatchObject({ t: T0, n: 2, avg: 30 });
  });

  it('keeps series apart by remote and metric', () => {
    const r = new Rollup();
    r.add('r-1', 'cpu', T0, 10);
    r.add('r-2', 'cpu', T0, 90);
    r.add('r-1', 'mem', T0, 40);
    expect(r.partial('r-1', 'cpu', '1h')?.avg).toBe(10);
    expect(r.partial('r-2', 'cpu', '1h')?.avg).toBe(90);
    expect(r.partial('r-1', 'mem', '1h')?.avg).toBe(40);
    expect(r.openCount).toBe(9);
  });

  it('drops and counts a sample for a bucket already closed, and ignores a value that is not a number', () => {
    const r = new Rollup();
    r.add('r-1', 'cpu', T0 + 20_000, 10);
    expect(r.add('r-1', 'cpu', T0 + 1_000, 99)).toEqual([]);
    expect(r.late).toBe(1);
    expect(r.partial('r-1', 'cpu', '1h')).toMatchObject({ n: 1, avg: 10 });
    // The 24h and 30d buckets still take it: it is in their open bucket.
    expect(r.partial('r-1', 'cpu', '24h')).toMatchObject({ n: 2 });
    r.add('r-1', 'cpu', T0 + 21_000, Number.NaN);
    expect(r.partial('r-1', 'cpu', '1h')).toMatchObject({ n: 1 });
  });

  it('closes what is due by the clock, a silent remote included, and everything on closeAll', () => {
    const r = new Rollup();
    r.add('r-1', 'cpu', T0 + 1_000, 10);
    expect(r.closeDue(T0 + 9_999)).toEqual([]);
    expect(r.closeDue(T0 + 10_000).map((p) => p.range)).toEqual(['1h']);
    expect(
      r
        .closeAll()
        .map((p) => p.range)
        .sort(),
    ).toEqual(['24h', '30d']);
    expect(r.openCount).toBe(0);
  });

  it('holds one open bucket per series however many samples arrive', () => {
    const r = new Rollup();
    let closed = 0;
    for (let i = 0; i < 10_000; i++) closed += r.add('r-1', 'cpu', T0 + i * 1_000, i % 100).length;
    expect(r.openCount).toBe(3);
    // 10,000 s: 999 finished 10 s buckets, 33 finished 5 min buckets and one finished 2 h bucket.
    expect(closed).toBe(999 + 33 + 1);
  });
});
