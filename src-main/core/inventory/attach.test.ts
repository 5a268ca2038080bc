import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { sha256 } from '../../../src-node/crypto/sha256';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { makeEnvelope, type Body, type ServedBody } from '../../../src-shared/protocol';
import type { DeliveryState } from '../../../src-shared/push/delivery';
import type { FleetEnvelope } from '../fleet-model';
import { openDatabase, type Db } from '../store/database';
import { EventStore } from '../store/event-store';
import { InventoryStore } from '../store/inventory-store';
import { PushStore } from '../store/push-store';
import { startFakeCore } from '../testing/fake-core';
import { attachInventory, type AttachedInventory, type InventoryCore } from './attach';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDb(): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smt-inv-attach-'));
  const file = join(dir, 'console.db');
  const db = openDatabase(file);
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => db.close(),
  );
  return { db, file };
}

const ZONE_TEXT = '$TTL 300\n@ SOA ns1 admin 1 3600 600 86400 300\n';
const INTENDED = sha256(ZONE_TEXT);
const OTHER = 'b'.repeat(64);

/** Version 1 of zone example.test, applied to r-0001 and r-0002. */
function pushed(db: Db): PushStore {
  const pushes = new PushStore(db);
  const applied = (n: number): DeliveryState => ({
    kind: 'applied',
    attempt: 1,
    smtId: `00000000-0000-4000-8000-0000000000a${n}`,
    queuedAt: 1,
    sentAt: 2,
    since: 3,
    sha256: INTENDED,
  });
  pushes.createPush(
    {
      id: '00000000-0000-4000-8000-000000000001',
      createdAt: 1000,
      author: 'alice',
      object: { kind: 'zone', name: 'example.test' },
      version: 1,
      op: 'upsert',
      payload: { format: 'zone-text', text: ZONE_TEXT },
      payloadSha256: INTENDED,
      selector: { kind: 'ids', ids: ['r-0001', 'r-0002'] },
      targets: ['r-0001', 'r-0002'],
      canary: null,
      expiresAt: null,
    },
    [
      { remoteId: 'r-0001', state: applied(1) },
      { remoteId: 'r-0002', state: applied(2) },
    ],
  );
  return pushes;
}

const served = (seq: number, sha: string | null = INTENDED): z.infer<typeof ServedBody> => ({
  seq,
  sources: [{ service: 'named', readable: true }],
  objects:
    sha === null
      ? []
      : [{ object: { kind: 'zone', name: 'example.test' }, version: 1, serial: 1, sha256: sha, since: 5 }],
  truncated: false,
});

const INVENTORY_QUEUE = '/queue/Consumer.lab-console.VirtualTopic.smt.inventory';
const stateOf = (inv: AttachedInventory, remoteId: string) =>
  inv.object('zone:example.test')?.remotes.find((r) => r.remoteId === remoteId)?.state;

describe('attachInventory over the core', () => {
  it('stores served inventories as the guard passes them, and refuses bad ones without touching others', async () => {
    const { db } = tempDb();
    const pushes = pushed(db);
    const events = new EventStore(db);
    let inventory: AttachedInventory | undefined;
    const fake = await startFakeCore({
      beforeStart: (core) => {
        inventory = attachInventory(core, db, { pushes, events }, { settleMs: 0, changedIntervalMs: 0 });
      },
    });
    cleanups.push(fake.stop, () => inventory?.close());
    const inv = inventory as AttachedInventory;
    const { srv, core } = fake;
    const send = (body: string, user: string) => srv.deliver(INVENTORY_QUEUE, body, { JMSXUserID: user });
    const envelope = (from: string, seq: number, sha: string | null, ts = 100) =>
      JSON.stringify(makeEnvelope('served', from, served(seq, sha), { ts }));

    send(envelope('r-0001', 1, INTENDED), 'r-0001');
    send(envelope('r-0002', 1, OTHER), 'r-0002');
    await waitFor('both inventories classified', () => stateOf(inv, 'r-0002') === 'drifted', 5000);
    expect(stateOf(inv, 'r-0001')).toBe('in-sync');

    const before = core.rejects().total;
    // r-0003 claims to be r-0001 and says it no longer serves the zone: refused, r-0001's stays.
    send(envelope('r-0001', 2, null, 200), 'r-0003');
    send('{"v":1,"type":"served", not json', 'r-0001');
    send(JSON.stringify({ ...makeEnvelope('served', 'r-0001', served(3)), body: { seq: 'x' } }), 'r-0001');
    send('x'.repeat(1024 * 1024 + 10), 'r-0001');
    await waitFor('four frames refused', () => core.rejects().total === before + 4, 5000);
    expect(core.rejects().byReason).toMatchObject({
      'identity-mismatch': 1,
      'not-json': 1,
      schema: 1,
      oversized: 1,
    });
    const stored = new InventoryStore(db).all().inventories;
    expect(stored.map((s) => [s.remoteId, s.seq])).toEqual([
      ['r-0001', 1],
      ['r-0002', 1],
    ]);
    expect(stateOf(inv, 'r-0001')).toBe('in-sync');
    expect(inv.counters()).toMatchObject({ stored: 2, stale: 0 });

    // A remote the console does not know yet is stored all the same; an older inventory coming late is not.
    send(envelope('r-0009', 1, OTHER), 'r-0009');
    send(envelope('r-0002', 0, INTENDED, 50), 'r-0002');
    await waitFor(
      'r-0009 stored, the late one counted',
      () => inv.counters().stale === 1 && inv.counters().stored === 3,
      5000,
    );
    expect(inv.objects().objects.map((o) => [o.key, o.intended?.version ?? null])).toEqual([
      ['zone:example.test', 1],
    ]);
    expect(stateOf(inv, 'r-0009')).toBe('drifted');
    expect(stateOf(inv, 'r-0002')).toBe('drifted');
  });
});

/** A core that is just what the inventory uses: fleet messages and query answers are the test's. */
function stubCore(answer: (remoteId: string) => Promise<Body<'reply'>>, online: string[]) {
  const listeners = new Set<(env: FleetEnvelope, at: number) => void>();
  const core: InventoryCore = {
    onFleetMessage: (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    onResults: () => () => undefined,
    query: (remoteId) => answer(remoteId),
    fleet: {
      selectable: () =>
        ['r-0001', 'r-0002', 'r-0003'].map((id) => ({
          id,
          tags: [],
          capabilities: [],
          status: online.includes(id) ? 'online' : 'offline',
          hostname: id,
        })),
    },
  };
  const served = (from: string, body: z.infer<typeof ServedBody>, ts: number) => {
    for (const l of listeners) l(makeEnvelope('served', from, body, { ts }), ts);
  };
  return { core, served };
}

describe('drift events and refresh', () => {
  it('raises a drift once (not again after a restart) and clears it when in sync', () => {
    const { db } = tempDb();
    const pushes = pushed(db);
    const events = new EventStore(db);
    let t = 10_000;
    const now = () => t;
    const { core, served: send } = stubCore(() => Promise.reject(new Error('unused')), []);
    const changed: number[] = [];
    const open = () => {
      const inv = attachInventory(
        core,
        db,
        { pushes, events },
        { now, settleMs: 10_000, changedIntervalMs: 500 },
      );
      inv.onChanged((e) => void changed.push(e.driftedRemotes));
      return inv;
    };
    let inv = open();
    send('r-0001', served(1, OTHER), 100);
    send('r-0002', served(1, null), 100);
    // The settle timer is long; refresh([]) asks nobody and evaluates now.
    return (async () => {
      await inv.refresh([]);
      const recent = (id: string) =>
        events.recentOf(id, 10).events.map((e) => [e.severity, e.code, e.message]);
      expect(recent('r-0001')).toEqual([
        [
          'warning',
          'drift',
          `zone example.test drifted: serves bbbbbbbbbbbb (version 1), intended version 1 (${INTENDED.slice(0, 12)})`,
        ],
      ]);
      expect(recent('r-0002')).toEqual([
        ['warning', 'drift', expect.stringMatching(/zone example.test is missing/)],
      ]);
      inv.close();

      t += 60_000;
      inv = open();
      await inv.refresh([]);
      expect(events.recentOf('r-0001', 10).events).toHaveLength(1);

      send('r-0001', served(2, INTENDED), 200);
      await inv.refresh([]);
      expect(recent('r-0001')[0]).toEqual(['info', 'drift-resolved', expect.stringMatching(/in sync again/)]);
      expect(inv.objects().driftedRemotes).toEqual(['r-0002']);
      inv.close();
    })();
  });

  it('tells of changes at most once per interval, the last view winning', () => {
    vi.useFakeTimers({ now: 0 });
    cleanups.push(() => vi.useRealTimers());
    const { db } = tempDb();
    const { core, served: send } = stubCore(() => Promise.reject(new Error('unused')), []);
    const inv = attachInventory(
      core,
      db,
      { pushes: pushed(db), events: new EventStore(db) },
      { now: Date.now, settleMs: 0, changedIntervalMs: 500 },
    );
    cleanups.push(() => inv.close());
    const changed: number[] = [];
    inv.onChanged((e) => void changed.push(e.driftedRemotes));
    send('r-0001', served(1, OTHER), 100);
    vi.advanceTimersByTime(0);
    send('r-0002', served(1, null), 100);
    vi.advanceTimersByTime(100);
    // The start's own evaluation was told at 0 (before this listener): both wait for 500.
    expect(changed).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(changed).toEqual([2]);
    vi.advanceTimersByTime(5_000);
    expect(changed).toEqual([2]);
  });

  it('refreshes online remotes, stores valid answers, and counts an invalid one without storing it', async () => {
    const { db } = tempDb();
    const pushes = pushed(db);
    const { core } = stubCore(
      (id) =>
        id === 'r-0001'
          ? Promise.resolve({ ok: true, data: served(4, OTHER) })
          : Promise.resolve({ ok: true, data: { seq: -1, objects: 'nope' } }),
      ['r-0001', 'r-0002'],
    );
    const logged: string[] = [];
    const inv = attachInventory(
      core,
      db,
      { pushes, events: new EventStore(db) },
      { log: (e) => void logged.push(e.msg) },
    );
    cleanups.push(() => inv.close());
    const outcome = await inv.refresh(['r-0001', 'r-0002', 'r-0003']);
    expect(outcome).toMatchObject({
      asked: ['r-0001', 'r-0002'],
      stored: 1,
      offline: ['r-0003'],
      failed: [{ remoteId: 'r-0002', error: expect.stringMatching(/does not validate/) }],
    });
    expect(inv.counters().invalidAnswers).toBe(1);
    expect(logged).toContain('served answer of r-0002 not stored');
    expect(new InventoryStore(db).all().inventories.map((i) => i.remoteId)).toEqual(['r-0001']);
    expect(stateOf(inv, 'r-0001')).toBe('drifted');
    expect(stateOf(inv, 'r-0002')).toBe('unknown');
  });

  it('sees what another connection to the database stored (another process of the profile)', () => {
    const { db, file } = tempDb();
    const pushes = pushed(db);
    const { core } = stubCore(() => Promise.reject(new Error('unused')), []);
    const inv = attachInventory(core, db, { pushes, events: new EventStore(db) });
    cleanups.push(() => inv.close());
    expect(stateOf(inv, 'r-0001')).toBe('unknown');
    const other = openDatabase(file);
    cleanups.push(() => other.close());
    new InventoryStore(other).put('r-0001', 1, served(1, OTHER), 2);
    expect(stateOf(inv, 'r-0001')).toBe('drifted');
    new InventoryStore(other).put('r-0001', 2, served(2, INTENDED), 3);
    expect(stateOf(inv, 'r-0001')).toBe('in-sync');
  });

  it("shows an object's history with each version's text and hash", () => {
    const { db } = tempDb();
    const pushes = pushed(db);
    const { core } = stubCore(() => Promise.reject(new Error('unused')), []);
    const inv = attachInventory(core, db, { pushes, events: new EventStore(db) });
    cleanups.push(() => inv.close());
    expect(inv.history('zone:example.test')).toEqual({
      key: 'zone:example.test',
      object: { kind: 'zone', name: 'example.test' },
      intendedVersion: 1,
      versions: [
        {
          version: 1,
          op: 'upsert',
          pushId: '00000000-0000-4000-8000-000000000001',
          author: 'alice',
          createdAt: 1000,
          sha256: INTENDED,
          appliedTo: 2,
          text: ZONE_TEXT,
        },
      ],
    });
    expect(inv.history('zone:never.test')).toBeUndefined();
  });
});
