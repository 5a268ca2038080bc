import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { helloBody } from '../testing/hello';
import { openDatabase, type Db } from './database';
import { RemoteStore } from './remote-store';

const dirs: string[] = [];
const dbs: Db[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-remotes-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'console.db'));
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Rows written by this connection so far: what the throttle is there to keep down. */
const writes = (db: Db) => db.prepare<[], { n: number }>('SELECT total_changes() AS n').get()?.n ?? 0;

describe('RemoteStore', () => {
  it('remembers a hello, keeps the first-seen time when a later hello replaces it, and forgets', () => {
    const db = tempDb();
    const store = new RemoteStore(db);
    store.hello('r-0002', helloBody('r-0002'), 1000);
    store.hello('r-0001', helloBody('r-0001'), 1000);
    expect(store.list().remotes, 'nothing is written before the flush').toEqual([]);
    expect(store.flush()).toBe(2);
    store.hello('r-0001', helloBody('r-0001', { tags: ['site:ams'] }), 5000);
    store.flush();
    const { remotes, corrupt } = new RemoteStore(db).list();
    expect(corrupt).toEqual([]);
    expect(remotes.map((r) => [r.id, r.hello.tags, r.firstSeen, r.helloAt, r.lastSeen])).toEqual([
      ['r-0001', ['site:ams'], 1000, 5000, 5000],
      ['r-0002', ['site:lab'], 1000, 1000, 1000],
    ]);
    const row = db.prepare('SELECT hostname, tags, capabilities FROM remotes WHERE id = ?').get('r-0001');
    expect(row).toEqual({
      hostname: 'dns-r-0001.lab.example',
      tags: '["site:ams"]',
      capabilities: '["dns"]',
    });
    expect(store.forget('r-0002')).toBe(true);
    expect(store.forget('r-0002')).toBe(false);
    expect(store.list().remotes.map((r) => r.id)).toEqual(['r-0001']);
  });

  it('reports and skips a row that does not read back, and keeps the others', () => {
    const db = tempDb();
    const store = new RemoteStore(db);
    for (const id of ['r-0001', 'r-0002', 'r-0003']) store.hello(id, helloBody(id), 1000);
    store.flush();
    db.prepare("UPDATE remotes SET hello = '{not json' WHERE id = 'r-0001'").run();
    db.prepare(`UPDATE remotes SET hello = '{"agent":{"version":"1"}}' WHERE id = 'r-0002'`).run();
    db.prepare("INSERT INTO remotes VALUES ('NOT AN ID', ?, '', '[]', '[]', 1, 1, 1)").run(
      JSON.stringify(helloBody('x')),
    );
    const { remotes, corrupt } = store.list();
    expect(remotes.map((r) => r.id)).toEqual(['r-0003']);
    expect(corrupt.map((c) => c.id).sort()).toEqual(['NOT AN ID', 'r-0001', 'r-0002']);
    expect(corrupt.find((c) => c.id === 'r-0001')?.error).toMatch(/not JSON/);
    expect(corrupt.find((c) => c.id === 'r-0002')?.error).toMatch(/host/);
    // Left in place for whoever looks into it; a new hello repairs the row.
    store.hello('r-0001', helloBody('r-0001'), 2000);
    store.flush();
    expect(store.list().remotes.map((r) => r.id)).toEqual(['r-0001', 'r-0003']);
  });

  it('writes a last-seen time at most once per interval per remote', () => {
    const db = tempDb();
    let now = 0;
    const store = new RemoteStore(db, { now: () => now, touchIntervalMs: 60_000 });
    store.hello('r-0001', helloBody('r-0001'));
    store.flush();
    const lastSeen = () => store.list().remotes[0]?.lastSeen;
    now = 5_000;
    store.touch('r-0001');
    expect(store.pending).toBe(0);
    now = 59_999;
    store.touch('r-0001');
    expect(store.flush()).toBe(0);
    expect(lastSeen()).toBe(0);
    now = 60_000;
    store.touch('r-0001');
    expect(store.flush()).toBe(1);
    expect(lastSeen()).toBe(60_000);
    // A sign of life before a pending hello is written moves that hello's time on, it adds no write.
    now = 61_000;
    store.hello('r-0001', helloBody('r-0001'));
    store.touch('r-0001', 62_000);
    expect(store.pending).toBe(1);
    store.flush();
    expect(lastSeen()).toBe(62_000);
    // Heard before its hello was ever stored: nothing to update, nothing invented.
    store.touch('r-0404', 200_000);
    store.flush();
    expect(store.list().remotes.map((r) => r.id)).toEqual(['r-0001']);
  });

  it('keeps a thousand remotes reporting every 5 s to about one write per remote per minute', () => {
    const db = tempDb();
    let now = 0;
    const store = new RemoteStore(db, { now: () => now });
    const ids = Array.from({ length: 1000 }, (_, i) => `r-${String(i).padStart(4, '0')}`);
    for (const id of ids) store.hello(id, helloBody(id));
    store.flush();
    const before = writes(db);
    let flushes = 0;
    // Ten minutes of stats every 5 s from each remote, staggered, flushed every second.
    for (let t = 1_000; t <= 600_000; t += 1_000) {
      now = t;
      for (const [i, id] of ids.entries()) if ((i + t / 1000) % 5 === 0) store.touch(id);
      if (store.flush() > 0) flushes++;
    }
    const perMinute = (writes(db) - before) / 10;
    expect(perMinute).toBeGreaterThan(900);
    expect(perMinute).toBeLessThanOrEqual(1000);
    expect(flushes).toBeLessThanOrEqual(600);
    expect(Math.min(...store.list().remotes.map((r) => r.lastSeen))).toBeGreaterThan(600_000 - 65_000);
  });
});
