import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEnvelope, type Envelope, type SubnetUsage } from '../../../src-shared/protocol';
import { POOL_STALE_AFTER_MS } from '../../../src-shared/ipc/pool-views';
import { openDatabase, type Db } from '../store/database';
import { TrendStore } from '../store/trend-store';
import { TrendRecorder } from '../trends/trend-recorder';
import { DERIVED_REFRESH_PER_LIST, PoolTracker, poolSeriesId } from './pool-tracker';

const HOUR = 3_600_000;
const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'smt-pools-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'console.db'));
  dbs.push(db);
  const clock = { now: 1_000 * HOUR };
  const recorder = new TrendRecorder({ store: new TrendStore(db), now: () => clock.now });
  return { clock, recorder, tracker: new PoolTracker(recorder, () => clock.now) };
}

const usage = (rid: string, subnets: SubnetUsage[]): Envelope<'usage'> =>
  makeEnvelope('usage', rid, {
    windowS: 10,
    dhcp: { leasesActive: 0, leasesAllocated: 0, subnets },
  });

describe('PoolTracker', () => {
  it('lists every remote’s subnets fleet-wide, fullest first, and one remote’s on request', () => {
    const { tracker } = setup();
    tracker.take(usage('r1', [{ id: 1, subnet: '10.0.0.0/24', total: 100, assigned: 30, declined: 1 }]));
    tracker.take(
      usage('r2', [
        { id: 1, subnet: '10.1.0.0/24', total: 50, assigned: 45, declined: 0 },
        { id: 2, subnet: '10.2.0.0/24', total: 0, assigned: 0, declined: 0 },
      ]),
    );
    const all = tracker.list();
    expect(all.total).toBe(3);
    expect(all.pools.map((p) => [p.remoteId, p.subnet, p.utilisationPct])).toEqual([
      ['r2', '10.1.0.0/24', 90],
      ['r1', '10.0.0.0/24', 30],
      ['r2', '10.2.0.0/24', 0],
    ]);
    expect(tracker.list({ remoteId: 'r1' }).pools).toHaveLength(1);
    expect(tracker.list({ limit: 1 })).toMatchObject({ total: 3, pools: [{ remoteId: 'r2' }] });
  });

  it('a new message replaces the remote’s rows; per-pool counters become rows of their own', () => {
    const { tracker } = setup();
    tracker.take(usage('r1', [{ id: 1, subnet: '10.0.0.0/24', total: 100, assigned: 30, declined: 0 }]));
    tracker.take(
      usage('r1', [
        {
          id: 2,
          subnet: '10.9.0.0/24',
          total: 20,
          assigned: 5,
          declined: 0,
          pools: [{ index: 0, total: 20, assigned: 5, declined: 0, range: '10.9.0.10-10.9.0.29' }],
        },
      ]),
    );
    expect(tracker.list().pools.map((p) => [p.subnet, p.pool])).toEqual([
      ['10.9.0.0/24', undefined],
      ['10.9.0.0/24', '10.9.0.10-10.9.0.29'],
    ]);
  });

  it('a filling pool gets a rate and a forecast from its stored trend; a steady one none', () => {
    const { clock, recorder, tracker } = setup();
    for (let h = 0; h <= 6; h++) {
      tracker.take(
        usage('r1', [
          { id: 1, subnet: '10.0.0.0/24', total: 100, assigned: 20 + 10 * h, declined: 0 },
          { id: 2, subnet: '10.1.0.0/24', total: 100, assigned: 40, declined: 0 },
        ]),
      );
      clock.now += HOUR;
      recorder.flush();
    }
    clock.now -= HOUR; // read at the last reading's time
    const [filling, steady] = tracker.list().pools;
    expect(filling).toMatchObject({ subnet: '10.0.0.0/24', utilisationPct: 80 });
    expect(filling?.ratePctPerHour).toBeCloseTo(10);
    expect(filling?.forecastHours).toBeCloseTo(2);
    expect(filling?.spark.length).toBeGreaterThan(1);
    expect(steady).toMatchObject({ subnet: '10.1.0.0/24', ratePctPerHour: 0, forecastHours: null });
  });

  it(`reads at most ${DERIVED_REFRESH_PER_LIST} rows' trends a list, oldest first; the others wait, marked pending`, () => {
    const { clock, recorder, tracker } = setup();
    const read: string[] = [];
    const query = recorder.query.bind(recorder);
    recorder.query = (q) => {
      read.push(q.remoteId);
      return query(q);
    };
    // Three remotes of 100 subnets: 44 rows more than one list reads.
    for (const rid of ['r1', 'r2', 'r3'])
      tracker.take(
        usage(
          rid,
          Array.from({ length: 100 }, (_, i) => ({
            id: i + 1,
            subnet: `10.0.${i}.0/24`,
            total: 100,
            assigned: 10,
            declined: 0,
          })),
        ),
      );
    const rows = 300;
    const first = tracker.list();
    expect(read).toHaveLength(DERIVED_REFRESH_PER_LIST);
    expect(first.pools.filter((p) => p.trendPending)).toHaveLength(rows - DERIVED_REFRESH_PER_LIST);
    const readFirst = new Set(read);
    clock.now += 1_000;
    const second = tracker.list();
    expect(read).toHaveLength(rows);
    expect(new Set(read).size).toBe(rows);
    expect(second.pools.filter((p) => p.trendPending)).toEqual([]);
    // A minute after the first list every row is due again: the ones read first go first.
    read.length = 0;
    clock.now += 59_000;
    tracker.list();
    expect(new Set(read)).toEqual(readFirst);
  });

  it('marks rows stale when their remote stops reporting', () => {
    const { clock, tracker } = setup();
    tracker.take(usage('r1', [{ id: 1, subnet: '10.0.0.0/24', total: 10, assigned: 1, declined: 0 }]));
    expect(tracker.list().pools[0]?.stale).toBe(false);
    clock.now += POOL_STALE_AFTER_MS + 1;
    expect(tracker.list().pools[0]?.stale).toBe(true);
  });

  it('a remote reporting less often than every 5 minutes is stale only after 3 of its own intervals', () => {
    const { clock, recorder } = setup();
    const staleAfter = new Map([['slow', 3 * 600_000]]);
    const tracker = new PoolTracker(
      recorder,
      () => clock.now,
      (rid) => staleAfter.get(rid),
    );
    const row = { id: 1, subnet: '10.0.0.0/24', total: 10, assigned: 9, declined: 0 };
    tracker.take(usage('slow', [row]));
    tracker.take(usage('fast', [{ ...row, subnet: '10.1.0.0/24' }]));
    const stale = () => Object.fromEntries(tracker.list().pools.map((p) => [p.remoteId, p.stale]));
    // Between two of the slow remote's 10-minute reports: its row is current, the other's is not.
    clock.now += 9 * 60_000;
    expect(stale()).toEqual({ slow: false, fast: true });
    clock.now += 21 * 60_000 + 1;
    expect(stale()).toEqual({ slow: true, fast: true });
  });

  it('series ids never collide with a remote id', () => {
    expect(poolSeriesId('r1', '10.0.0.0/24')).toBe('r1/10.0.0.0/24');
    expect(poolSeriesId('r1', '10.0.0.0/24', '10.0.0.5-10.0.0.9')).toBe('r1/10.0.0.0/24#10.0.0.5-10.0.0.9');
  });
});
