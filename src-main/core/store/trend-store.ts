import { z } from 'zod';
import { TrendMetric, TrendRange, trendTiers, type TrendQuery } from '../../../src-shared/trends/trend';
import type { TrendPoint } from '../trends/rollup';
import type { Db } from './database';

const Row = z.object({
  t: z.number().int(),
  n: z.number().int().positive(),
  avg: z.number(),
  min: z.number(),
  max: z.number(),
});

/**
 * The trend buckets in the console's database. A bucket written twice (two console processes on one
 * profile, or a console that stopped mid-bucket and started again) is merged by sample count, never
 * overwritten, so neither half is lost.
 */
export class TrendStore {
  private readonly insert;
  private readonly select;
  private readonly prune;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<[string, string, string, number, number, number, number, number]>(`
      INSERT INTO trend_points (remote_id, metric, range, t, n, avg, min, max) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (remote_id, metric, range, t) DO UPDATE SET
        avg = (avg * n + excluded.avg * excluded.n) / (n + excluded.n),
        n = n + excluded.n,
        min = min(min, excluded.min),
        max = max(max, excluded.max)`);
    this.select = db.prepare<[string, string, string, number, number]>(
      'SELECT t, n, avg, min, max FROM trend_points WHERE remote_id = ? AND metric = ? AND range = ? AND t >= ? AND t < ? ORDER BY t',
    );
    this.prune = db.prepare<[string, number]>('DELETE FROM trend_points WHERE range = ? AND t < ?');
  }

  /** All in one transaction: a flush of 1,000 remotes' buckets is one fsync, not thousands. */
  write(points: readonly TrendPoint[]): void {
    if (points.length === 0) return;
    this.db.transaction(() => {
      for (const p of points) {
        this.insert.run(
          p.remoteId,
          TrendMetric.parse(p.metric),
          TrendRange.parse(p.range),
          p.t,
          p.n,
          p.avg,
          p.min,
          p.max,
        );
      }
    })();
  }

  /** Buckets of one series in [from, to); a row that does not read back as written is skipped and counted. */
  read(q: TrendQuery, from: number, to: number): { points: z.infer<typeof Row>[]; corrupt: number } {
    const points: z.infer<typeof Row>[] = [];
    let corrupt = 0;
    for (const raw of this.select.all(q.remoteId, q.metric, q.range, from, to)) {
      const row = Row.safeParse(raw);
      if (row.success) points.push(row.data);
      else corrupt++;
    }
    return { points, corrupt };
  }

  /** Drops buckets past each tier's span; returns how many. */
  pruneBefore(now: number): number {
    let removed = 0;
    for (const tier of Object.values(trendTiers)) {
      removed += this.prune.run(tier.range, now - tier.spanMs - tier.stepMs).changes;
    }
    return removed;
  }
}
