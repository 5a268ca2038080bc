import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ServedBody } from '../../../src-shared/protocol';
import type { DeliveryState } from '../../../src-shared/push/delivery';
import { openDatabase, type Db } from './database';
import { InventoryStore } from './inventory-store';
import { PushStore } from './push-store';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'smt-inventory-'));
  const db = openDatabase(join(dir, 'console.db'));
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => db.close(),
  );
  return db;
}

const served = (seq: number, name = 'example.test'): z.infer<typeof ServedBody> => ({
  seq,
  sources: [{ service: 'named', readable: true }],
  objects: [{ object: { kind: 'zone', name }, version: 1, sha256: 'a'.repeat(64), since: 1 }],
  truncated: false,
});
const storedSeq = (store: InventoryStore, id = 'r-1') =>
  store.all().inventories.find((i) => i.remoteId === id)?.served.seq;

describe('InventoryStore', () => {
  it('keeps the newest inventory per remote by envelope ts, then seq; a late older one is ignored', () => {
    const store = new InventoryStore(tempDb());
    expect(store.put('r-1', 100, served(5), 1000)).toBe(true);
    expect(store.put('r-1', 100, served(6), 1001)).toBe(true);
    expect(store.put('r-1', 100, served(4), 1002)).toBe(false);
    expect(store.put('r-1', 90, served(9), 1003)).toBe(false);
    expect(storedSeq(store)).toBe(6);
    // An agent restarted: seq starts again at 1, its clock moved on.
    expect(store.put('r-1', 200, served(1), 1004)).toBe(true);
    expect(store.put('r-2', 50, served(3), 1005)).toBe(true);
    expect(store.all().inventories.map((i) => [i.remoteId, i.ts, i.seq, i.receivedAt])).toEqual([
      ['r-1', 200, 1, 1004],
      ['r-2', 50, 3, 1005],
    ]);
  });

  it('takes a query answer over what is stored, and only an inventory sent after it over the answer', () => {
    const store = new InventoryStore(tempDb());
    store.putAnswer('r-1', served(7, 'first.test'), 10);
    expect(storedSeq(store)).toBe(7);
    store.put('r-1', 100, served(8), 20);
    store.putAnswer('r-1', served(8, 'answered.test'), 30);
    expect(store.all().inventories[0]).toMatchObject({ ts: 100, seq: 8, receivedAt: 30 });
    expect(store.put('r-1', 100, served(8), 40)).toBe(false);
    expect(store.all().inventories[0]?.served.objects[0]?.object).toEqual({
      kind: 'zone',
      name: 'answered.test',
    });
    expect(store.put('r-1', 100, served(9), 50)).toBe(true);
  });

  it('skips and names a stored row that does not read back', () => {
    const db = tempDb();
    const store = new InventoryStore(db);
    store.put('r-1', 1, served(1), 1);
    db.prepare("INSERT INTO served_inventories VALUES ('r-bad', 1, 1, 1, '{\"seq\":-1}')").run();
    const { inventories, corrupt } = store.all();
    expect(inventories.map((i) => i.remoteId)).toEqual(['r-1']);
    expect(corrupt).toEqual(['r-bad']);
  });

  it('remembers what was raised until it is cleared', () => {
    const db = tempDb();
    const store = new InventoryStore(db);
    store.setRaised('zone:a', 'r-1', { state: 'drifted', servedSha256: 'b'.repeat(64) }, 1);
    store.setRaised('zone:a', 'r-2', { state: 'missing', servedSha256: null }, 1);
    store.setRaised('zone:a', 'r-2', null, 2);
    expect(new InventoryStore(db).raised()).toEqual(
      new Map([['zone:a', new Map([['r-1', { state: 'drifted', servedSha256: 'b'.repeat(64) }]])]]),
    );
  });
});

const applied = (smtId: string): DeliveryState => ({
  kind: 'applied',
  attempt: 1,
  smtId,
  queuedAt: 1,
  sentAt: 2,
  since: 3,
  sha256: 'a'.repeat(64),
});
const failed = (smtId: string): DeliveryState => ({
  kind: 'failed',
  attempt: 1,
  smtId,
  queuedAt: 1,
  sentAt: 2,
  since: 3,
  reason: 'refused',
});

describe('PushStore by object', () => {
  it('lists every version newest first with how many applied it, and where each object was applied', () => {
    const pushes = new PushStore(tempDb());
    const push = (n: number, op: 'upsert' | 'delete', first: { remoteId: string; state: DeliveryState }[]) =>
      pushes.createPush(
        {
          id: `00000000-0000-4000-8000-00000000000${n}`,
          createdAt: 1000 + n,
          author: `author${n}`,
          object: { kind: 'zone', name: 'example.test' },
          version: n,
          op,
          ...(op === 'upsert' ? { payload: { format: 'zone-text' as const, text: `v${n}\n` } } : {}),
          payloadSha256: 'c'.repeat(64),
          selector: { kind: 'ids', ids: ['r-1', 'r-2'] },
          targets: ['r-1', 'r-2'],
          canary: null,
          expiresAt: null,
        },
        first,
      );
    push(1, 'upsert', [
      { remoteId: 'r-1', state: applied('00000000-0000-4000-8000-0000000000a1') },
      { remoteId: 'r-2', state: applied('00000000-0000-4000-8000-0000000000a2') },
    ]);
    push(2, 'delete', [{ remoteId: 'r-1', state: failed('00000000-0000-4000-8000-0000000000b1') }]);
    expect(pushes.objectVersions().map((v) => [v.key, v.version, v.op, v.author, v.applied])).toEqual([
      ['zone:example.test', 2, 'delete', 'author2', 0],
      ['zone:example.test', 1, 'upsert', 'author1', 2],
    ]);
    expect(pushes.objectVersions('zone:other.test')).toEqual([]);
    expect(pushes.appliedTo()).toEqual(new Map([['zone:example.test', ['r-1', 'r-2']]]));
    expect(pushes.payloadOf('00000000-0000-4000-8000-000000000001')).toEqual({
      format: 'zone-text',
      text: 'v1\n',
    });
    expect(pushes.payloadOf('00000000-0000-4000-8000-000000000002')).toBeUndefined();
  });
});
