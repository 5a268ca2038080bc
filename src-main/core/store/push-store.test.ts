import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { queued } from '../../../src-shared/push/delivery';
import { openDatabase, schemaVersion } from './database';
import { migrations } from './migrations';
import { PushStore, StoreCorruptError } from './push-store';
import { StoreUnwritableError } from './unwritable';

const dirs: string[] = [];
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-store-'));
  dirs.push(dir);
  return join(dir, 'console.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PUSH = '00000000-0000-4000-8000-000000000001';
const ID1 = '00000000-0000-4000-8000-0000000000a1';
const ID2 = '00000000-0000-4000-8000-0000000000a2';
const base = {
  id: PUSH,
  createdAt: 1000,
  author: 'alice',
  object: { kind: 'zone' as const, name: 'example.test' },
  version: 3,
  op: 'upsert' as const,
  payload: { format: 'zone-text' as const, text: '$TTL 300\n' },
  payloadSha256: 'a'.repeat(64),
  selector: { kind: 'ids' as const, ids: ['r-0001', 'r-0002'] },
  targets: ['r-0001', 'r-0002'],
  canary: null,
  expiresAt: null,
};

describe('console database', () => {
  it('applies every migration at open, once, in WAL mode', () => {
    const file = tempDb();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(migrations.length);
    again.close();
  });

  it('upgrades a version-1 database to push deadlines, keeping its pushes (no deadline)', () => {
    const file = tempDb();
    const v1 = new Database(file);
    v1.exec(migrations[0] as string);
    v1.pragma('user_version = 1');
    v1.prepare(
      `INSERT INTO pushes (id, created_at, author, object_key, object, version, op, payload, payload_sha256,
         selector, targets, canary, state, halt_reason)
       VALUES (?, 1000, 'alice', 'zone:example.test', ?, 3, 'upsert', NULL, ?, ?, ?, NULL, 'open', NULL)`,
    ).run(
      PUSH,
      JSON.stringify(base.object),
      'a'.repeat(64),
      JSON.stringify(base.selector),
      JSON.stringify(base.targets),
    );
    v1.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    const store = new PushStore(db);
    expect(store.push(PUSH)).toMatchObject({ id: PUSH, expiresAt: null });
    expect(store.deadlines()).toEqual([]);
    const later = { ...base, id: '00000000-0000-4000-8000-000000000002', version: 4, expiresAt: 9_000 };
    store.createPush(later, []);
    expect(store.push(later.id)?.expiresAt).toBe(9_000);
    expect(store.deadlines()).toEqual([{ pushId: later.id, expiresAt: 9_000 }]);
    store.setPushState(later.id, 'done');
    expect(store.deadlines()).toEqual([]);
    db.close();
  });

  it('refuses a database from a newer console', () => {
    const file = tempDb();
    const db = openDatabase(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this console knows/);
  });
});

describe('PushStore', () => {
  it('writes a push with its queued deliveries and reads them back validated', () => {
    const db = openDatabase(tempDb());
    const store = new PushStore(db);
    const push = store.createPush(base, [
      { remoteId: 'r-0001', state: queued(ID1, 1000) },
      { remoteId: 'r-0002', state: queued(ID2, 1000) },
    ]);
    expect(push).toMatchObject({ seq: 1, state: 'open', haltReason: null, targets: ['r-0001', 'r-0002'] });
    expect(store.maxVersion({ kind: 'zone', name: 'EXAMPLE.test.' })).toBe(3);
    expect(store.maxVersion({ kind: 'zone', name: 'other.test' })).toBe(0);
    expect(store.queued().map((d) => [d.remoteId, d.state.smtId])).toEqual([
      ['r-0001', ID1],
      ['r-0002', ID2],
    ]);
    expect(store.findBySmtId(ID2)).toEqual({ pushId: PUSH, remoteId: 'r-0002' });
    expect(store.auditTrail()).toMatchObject([{ actor: 'alice', action: 'push', subject: PUSH }]);
    expect(store.pushState(PUSH)).toEqual({ state: 'open', haltReason: null });
    store.setPushState(PUSH, 'halted', 'canary r-0001 failed: no');
    expect(store.pushState(PUSH)).toEqual({ state: 'halted', haltReason: 'canary r-0001 failed: no' });
    expect(store.pushes('halted').map((p) => p.id)).toEqual([PUSH]);
    db.close();
  });

  it('stores each transition with its event row, and nothing for an event that changes nothing', () => {
    const db = openDatabase(tempDb());
    const store = new PushStore(db);
    store.createPush(base, [{ remoteId: 'r-0001', state: queued(ID1, 1000) }]);
    expect(store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 1100 })).toMatchObject({
      from: { kind: 'queued' },
      to: { kind: 'sent', sentAt: 1100 },
    });
    // A receipt for another attempt's id, and a repeated receipt, change nothing.
    expect(store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID2, at: 1150 })).toBeUndefined();
    expect(store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 1160 })).toBeUndefined();
    store.apply(PUSH, 'r-0001', {
      type: 'result',
      ref: ID1,
      at: 1200,
      state: 'applied',
      sha256: 'b'.repeat(64),
    });
    expect(store.delivery(PUSH, 'r-0001')).toMatchObject({ kind: 'applied', sentAt: 1100, since: 1200 });
    expect(store.events(PUSH).map((e) => [e.from, e.to])).toEqual([
      [null, 'queued'],
      ['queued', 'sent'],
      ['sent', 'applied'],
    ]);
    expect(store.undone(PUSH)).toBe(0);
    expect(store.queued()).toEqual([]);
    db.close();
  });

  it('waits for a console in another process that holds the write lock, instead of losing the transition', async () => {
    const file = tempDb();
    const db = openDatabase(file);
    const store = new PushStore(db);
    store.createPush(base, [{ remoteId: 'r-0001', state: queued(ID1, 1000) }]);
    // Another console on the profile: it takes the write lock, writes, and commits a moment later.
    const other = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
      const db = new (require('better-sqlite3'))(workerData);
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO audit (at, actor, action, subject) VALUES (1, 'other', 'retry', 'x')").run();
      parentPort.postMessage('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`,
      { eval: true, workerData: file },
    );
    await once(other, 'message');
    expect(store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 1100 })).toBeDefined();
    expect(store.delivery(PUSH, 'r-0001')?.kind).toBe('sent');
    await once(other, 'exit');
    db.close();
  });

  it('lists one remote’s deliveries, the latest changed first, and what still waits to reach it', () => {
    const db = openDatabase(tempDb());
    const store = new PushStore(db, { profile: 'lab' });
    const PUSH2 = '00000000-0000-4000-8000-000000000002';
    const ID3 = '00000000-0000-4000-8000-0000000000a3';
    store.createPush(base, [
      { remoteId: 'r-0001', state: queued(ID1, 1000) },
      { remoteId: 'r-0002', state: queued(ID2, 1000) },
    ]);
    store.createPush({ ...base, id: PUSH2, createdAt: 2000, version: 4 }, [
      { remoteId: 'r-0001', state: queued(ID3, 2000) },
    ]);
    store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 2500 });
    store.apply(PUSH, 'r-0001', { type: 'result', ref: ID1, at: 3000, state: 'failed', reason: 'bad SOA' });
    expect(store.deliveriesOf('r-0001', 10)).toMatchObject([
      {
        pushId: PUSH,
        version: 3,
        object: { kind: 'zone', name: 'example.test' },
        state: { kind: 'failed', reason: 'bad SOA' },
      },
      { pushId: PUSH2, version: 4, state: { kind: 'queued', since: 2000 } },
    ]);
    expect(store.deliveriesOf('r-0001', 1)).toHaveLength(1);
    expect(store.waitingOf('r-0001').map((s) => [s.kind, s.queuedAt])).toEqual([['queued', 2000]]);
    expect(store.waitingOf('r-0009')).toEqual([]);
    expect(store.auditTrail().map((a) => a.profile)).toEqual(['lab', 'lab']);
    // The remote's deliveries are found by index, not by reading every delivery.
    const plan = db
      .prepare<[string], { detail: string }>(
        'EXPLAIN QUERY PLAN SELECT * FROM deliveries WHERE remote_id = ? ORDER BY updated_at DESC',
      )
      .all('r-0001');
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX deliveries_remote/);
    db.close();
  });

  it('says which row is damaged when one does not read back', () => {
    const db = openDatabase(tempDb());
    const store = new PushStore(db);
    store.createPush(base, [{ remoteId: 'r-0001', state: queued(ID1, 1000) }]);
    db.prepare(`UPDATE deliveries SET state = '{"kind":"queued"}'`).run();
    expect(() => store.deliveries(PUSH)).toThrow(StoreCorruptError);
    expect(() => store.deliveries(PUSH)).toThrow(/r-0001/);
    db.close();
  });
});

describe('a console database that cannot be written', () => {
  /** SQLite's own page limit stands in for a full disk: it answers SQLITE_FULL as a full disk does. */
  const fill = (db: Database.Database) =>
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const bigPush = (n: number) => ({
    ...base,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    version: n,
    payload: { format: 'zone-text' as const, text: 'x'.repeat(50_000) },
  });

  it('refuses a push on a full disk with what to do, writes none of it, and takes it once space returns', () => {
    const file = tempDb();
    const db = openDatabase(file);
    const store = new PushStore(db);
    store.createPush(bigPush(1), [{ remoteId: 'r-0001', state: queued(ID1, 1000) }]);
    fill(db);
    expect(() => store.createPush(bigPush(2), [{ remoteId: 'r-0001', state: queued(ID2, 1000) }])).toThrow(
      new RegExp(
        `^the console database ${file} cannot be written: its disk is full: free space on it \\(SQLITE_FULL\\)$`,
      ),
    );
    expect(store.pushes().map((p) => p.version)).toEqual([1]);
    expect(store.findBySmtId(ID2)).toBeUndefined();
    expect(store.auditTrail()).toHaveLength(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    db.pragma('max_page_count = 1073741823');
    store.createPush(bigPush(2), [{ remoteId: 'r-0001', state: queued(ID2, 1000) }]);
    expect(store.pushes().map((p) => p.version)).toEqual([1, 2]);
    db.close();
  });

  it('says a transition was not stored when the database is read-only, and leaves the delivery as it was', () => {
    const db = openDatabase(tempDb());
    const store = new PushStore(db);
    store.createPush(base, [{ remoteId: 'r-0001', state: queued(ID1, 1000) }]);
    db.pragma('query_only = 1');
    let thrown: unknown;
    try {
      store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 2000 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(StoreUnwritableError);
    expect(thrown).toMatchObject({ code: 'SQLITE_READONLY', retryable: true });
    expect(store.delivery(PUSH, 'r-0001')?.kind).toBe('queued');
    db.pragma('query_only = 0');
    expect(store.apply(PUSH, 'r-0001', { type: 'sendReceipted', smtId: ID1, at: 2000 })?.to.kind).toBe(
      'sent',
    );
    db.close();
  });
});
