import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trendTiers } from '../../../src-shared/trends/trend';
import type { TrendPoint } from '../trends/rollup';
import { openDatabase } from './database';
import { TrendStore } from './trend-store';

const dirs: string[] = [];
const store = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-trend-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'console.db'));
  return { db, trends: new TrendStore(db) };
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const point = (t: number, n: number, avg: number, min = avg, max = avg): TrendPoint => ({
  remoteId: 'r-1',
  metric: 'cpu',
  range: '1h',
  t,
  n,
  avg,
  min,
  max,
});
const q = { remoteId: 'r-1', metric: 'cpu', range: '1h' } as const;

describe('TrendStore', () => {
  it('reads back a series in time order within the window', () => {
    const { db, trends } = store();
    trends.write([point(30_000, 1, 3), point(10_000, 1, 1), point(20_000, 1, 2)]);
    expect(trends.read(q, 10_000, 30_000).points.map((p) => p.t)).toEqual([10_000, 20_000]);
    expect(trends.read({ ...q, metric: 'mem' }, 0, 100_000).points).toEqual([]);
    db.close();
  });

  it('merges a bucket written twice by sample count instead of losing either half', () => {
    const { db, trends } = store();
    trends.write([point(10_000, 1, 10, 10, 10)]);
    trends.write([point(10_000, 3, 30, 5, 60)]);
    expect(trends.read(q, 0, 100_000).points).toEqual([{ t: 10_000, n: 4, avg: 25, min: 5, max: 60 }]);
    db.close();
  });

  it('prunes each tier past its own span', () => {
    const { db, trends } = store();
    const now = 100 * 24 * 3600_000;
    const old1h = now - trendTiers['1h'].spanMs - 2 * trendTiers['1h'].stepMs;
    trends.write([point(old1h, 1, 1), point(now - 60_000, 1, 2), { ...point(old1h, 1, 1), range: '24h' }]);
    expect(trends.pruneBefore(now)).toBe(1);
    expect(trends.read(q, 0, now).points.map((p) => p.t)).toEqual([now - 60_000]);
    expect(trends.read({ ...q, range: '24h' }, 0, now).points).toHaveLength(1);
    db.close();
  });

  it('skips and counts a row changed behind its back', () => {
    const { db, trends } = store();
    trends.write([point(10_000, 1, 1), point(20_000, 1, 2)]);
    db.prepare('UPDATE trend_points SET n = 0 WHERE t = 20000').run();
    expect(trends.read(q, 0, 100_000)).toEqual({
      points: [{ t: 10_000, n: 1, avg: 1, min: 1, max: 1 }],
      corrupt: 1,
    });
    db.close();
  });
});
