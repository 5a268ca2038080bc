import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEnvelope, type Envelope } from '../../../src-shared/protocol';
import { openDatabase, type Db } from '../store/database';
import { TrendStore } from '../store/trend-store';
import { statsEnvelope } from '../testing/fleet-envelopes';
import { TrendRecorder, trendValues } from './trend-recorder';

const dirs: string[] = [];
const dbs: Db[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-trend-'));
  dirs.push(dir);
  return join(dir, 'console.db');
};
const open = (file: string) => {
  const db = openDatabase(file);
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const stats = (rid: string, cpuPct: number) => statsEnvelope(rid, 1, 1, cpuPct);
const usage = (rid: string, qps: number): Envelope<'usage'> =>
  makeEnvelope('usage', rid, { windowS: 5, dns: { qps, queries: qps * 5 } });

const T0 = 1_800_000_000_000;

describe('trendValues', () => {
  it('takes CPU, memory and disk shares from stats, leaving out a disk of size 0', () => {
    expect(trendValues(stats('r-1', 12))).toEqual({ cpu: 12, mem: 25, disk: 75 });
    const noDisk = stats('r-1', 12);
    noDisk.body.disk = { usedBytes: 0, totalBytes: 0 };
    expect(trendValues(noDisk)).toEqual({ cpu: 12, mem: 25 });
  });
  it('takes DNS and DHCP figures from usage only when the remote reports them', () => {
    expect(trendValues(usage('r-1', 40))).toEqual({ dnsQps: 40 });
    expect(
      trendValues(
        makeEnvelope('usage', 'r-1', { windowS: 5, dhcp: { leasesActive: 7, leasesAllocated: 9 } }),
      ),
    ).toEqual({ dhcpLeases: 7 });
  });
});

describe('TrendRecorder', () => {
  it('answers from stored buckets, buckets not written yet, and the one still filling', () => {
    let now = T0;
    const rec = new TrendRecorder({ store: new TrendStore(open(tempDb())), now: () => now });
    rec.take(stats('r-1', 10));
    now += 10_000;
    rec.take(stats('r-1', 20)); // closes the first 10 s bucket: not written yet
    rec.flush(); // written
    now += 10_000;
    rec.take(stats('r-1', 30)); // closes the second, kept unwritten
    now += 1_000;
    rec.take(stats('r-1', 50)); // the third, still filling
    const s = rec.query({ remoteId: 'r-1', metric: 'cpu', range: '1h' });
    expect(s.stepMs).toBe(10_000);
    expect(s.avg).toEqual([10, 20, 40]);
    expect(s.max).toEqual([10, 20, 50]);
    expect(s.t.map((t) => t - T0)).toEqual([0, 10_000, 20_000]);
    expect(s.to).toBe(now);
  });

  it('writes open buckets on stop, so a console started on the same database merges into them', () => {
    const file = tempDb();
    let now = T0;
    const first = new TrendRecorder({ store: new TrendStore(open(file)), now: () => now });
    first.take(stats('r-1', 10));
    first.stop();
    now += 1_000;
    const second = new TrendRecorder({ store: new TrendStore(open(file)), now: () => now });
    second.take(stats('r-1', 30));
    const s = second.query({ remoteId: 'r-1', metric: 'cpu', range: '24h' });
    expect(s.avg).toEqual([20]);
    expect(s.min).toEqual([10]);
  });

  it('keeps buckets it could not write and writes them on a later flush', () => {
    let now = T0;
    let broken = true;
    const store = new TrendStore(open(tempDb()));
    const write = store.write.bind(store);
    store.write = (points) => {
      if (broken) throw new Error('SQLITE_FULL: database or disk is full');
      write(points);
    };
    const rec = new TrendRecorder({ store, now: () => now });
    rec.take(stats('r-1', 10));
    now += 10_000;
    rec.flush();
    // CPU, memory and disk: three finished 10 s buckets wait.
    expect(rec.counters()).toMatchObject({ writeFailures: 1, unwritten: 3 });
    broken = false;
    rec.flush();
    expect(rec.counters()).toMatchObject({ unwritten: 0 });
    expect(rec.query({ remoteId: 'r-1', metric: 'cpu', range: '1h' }).avg).toEqual([10]);
  });

  it('leaves out what is older than the range', () => {
    let now = T0;
    const rec = new TrendRecorder({ store: new TrendStore(open(tempDb())), now: () => now });
    rec.take(usage('r-1', 5));
    now += 2 * 3600_000;
    rec.take(usage('r-1', 7));
    expect(rec.query({ remoteId: 'r-1', metric: 'dnsQps', range: '1h' }).avg).toEqual([7]);
    expect(rec.query({ remoteId: 'r-1', metric: 'dnsQps', range: '24h' }).avg).toEqual([5, 7]);
  });
});
