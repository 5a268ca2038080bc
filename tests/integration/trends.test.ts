/**
 * Live samples from a simulated fleet, through real brokers, become trend buckets in the console's
 * database that a chart can read back, and survive the console.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleCore } from '../../src-main/core/console-core';
import { openDatabase, type Db } from '../../src-main/core/store/database';
import { TrendStore } from '../../src-main/core/store/trend-store';
import { attachTrends, type AttachedTrends } from '../../src-main/core/trends/attach';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;
let db: Db | undefined;
let trends: AttachedTrends | undefined;
const dir = mkdtempSync(join(tmpdir(), 'smt-trends-'));

beforeAll(async () => {
  lab = await startLab();
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    sealers: await labConsoleSealers(lab.opts),
  });
  db = openDatabase(join(dir, 'console.db'));
  trends = attachTrends(core, db, { flushIntervalMs: 200 });
  await core.start();
  sim = await startSimulation({ remotes: 3, statsIntervalMs: 300, lab: lab.opts });
});

afterAll(async () => {
  await sim?.stop();
  trends?.close();
  await core?.stop();
  db?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('trends', () => {
  it('keeps each remote’s CPU and memory as buckets that contain what the fleet view shows', async () => {
    const c = core as ConsoleCore;
    const s = sim as Simulation;
    const rec = (trends as AttachedTrends).recorder;
    for (const r of s.remotes) {
      await waitFor(
        `a few CPU samples from ${r.id}`,
        () => (rec.query({ remoteId: r.id, metric: 'cpu', range: '1h' }).t.length > 0 ? true : undefined),
        30_000,
      );
    }
    for (const r of s.remotes) {
      const view = c.fleet.get(r.id);
      const series = rec.query({ remoteId: r.id, metric: 'cpu', range: '24h' });
      const last = series.avg.length - 1;
      expect(view?.cpuPct).toBeTypeOf('number');
      expect(series.min[last]).toBeLessThanOrEqual(view?.cpuPct ?? Number.NaN);
      expect(series.max[last]).toBeGreaterThanOrEqual(view?.cpuPct ?? Number.NaN);
      // One 2 h bucket, or two if the test ran across a bucket boundary.
      expect(rec.query({ remoteId: r.id, metric: 'mem', range: '30d' }).t.length).toBeOneOf([1, 2]);
    }
    expect(rec.counters().late).toBe(0);
  });

  it('has written them to the database when the recorder stops', () => {
    const s = sim as Simulation;
    (trends as AttachedTrends).close();
    const store = new TrendStore(db as Db);
    for (const r of s.remotes) {
      const { points, corrupt } = store.read(
        { remoteId: r.id, metric: 'cpu', range: '30d' },
        0,
        Date.now() + 1,
      );
      expect(corrupt).toBe(0);
      expect(points.length).toBeOneOf([1, 2]);
      expect(points.every((p) => p.n > 0)).toBe(true);
    }
  });
});
