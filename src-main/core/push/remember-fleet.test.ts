import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectRemotes } from '../../../src-shared/config/selector';
import { makeEnvelope } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { openDatabase, type Db } from '../store/database';
import { RemoteStore } from '../store/remote-store';
import { startFakeCore } from '../testing/fake-core';
import { helloBody } from '../testing/hello';
import { rememberFleet, type FleetMemory } from './remember-fleet';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'smt-remember-'));
  const db = openDatabase(join(dir, 'console.db'));
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => db.close(),
  );
  return db;
}

describe('rememberFleet', () => {
  it('seeds the core with the stored fleet, selectable by id and tag before any remote speaks', async () => {
    const db = tempDb();
    const earlier = new RemoteStore(db);
    earlier.hello('r-0001', helloBody('r-0001', { tags: ['site:ams'] }), 1000);
    earlier.hello('r-0002', helloBody('r-0002', { tags: ['site:fra'] }), 2000);
    earlier.flush();
    db.prepare("INSERT INTO remotes VALUES ('r-0003', '[]', '', '[]', '[]', 1, 1, 1)").run();
    const logged: string[] = [];
    let memory: FleetMemory | undefined;
    const fake = await startFakeCore({
      beforeStart: (core) => {
        memory = rememberFleet(core, db, { log: (e) => void logged.push(e.msg) });
      },
    });
    cleanups.push(fake.stop, () => memory?.close());
    const { core } = fake;
    expect([...(memory?.remembered ?? [])]).toEqual(['r-0001', 'r-0002']);
    expect(memory?.corrupt.map((c) => c.id)).toEqual(['r-0003']);
    expect(logged).toEqual([expect.stringMatching(/r-0003 skipped/)]);
    expect(core.fleet.get('r-0002')).toMatchObject({ status: 'unknown', lastSeen: 2000 });
    const fleet = core.fleet.selectable();
    expect(selectRemotes({ kind: 'ids', ids: ['r-0002'] }, fleet)).toEqual(['r-0002']);
    expect(selectRemotes({ kind: 'tags', any: ['site:ams'] }, fleet)).toEqual(['r-0001']);
    expect(selectRemotes({ kind: 'filter', status: 'online' }, fleet)).toEqual([]);
    expect(core.fleet.snapshot(0).remotes.map((r) => [r.id, r.status])).toEqual([
      ['r-0001', 'unknown'],
      ['r-0002', 'unknown'],
    ]);
  });

  it('writes a hello heard this session over the stored one, and signs of life as last-seen times', async () => {
    const db = tempDb();
    const earlier = new RemoteStore(db);
    earlier.hello('r-0001', helloBody('r-0001', { tags: ['old'] }), 1000);
    earlier.flush();
    let memory: FleetMemory | undefined;
    const fake = await startFakeCore({
      beforeStart: (core) => {
        memory = rememberFleet(core, db, { flushIntervalMs: 50, touchIntervalMs: 0 });
      },
    });
    cleanups.push(fake.stop, () => memory?.close());
    const { srv, core } = fake;
    const hello = makeEnvelope('hello', 'r-0001', helloBody('r-0001', { tags: ['new'] }));
    srv.deliver('/queue/Consumer.lab-console.VirtualTopic.smt.inventory', JSON.stringify(hello), {
      JMSXUserID: 'r-0001',
    });
    const stored = () => new RemoteStore(db).list().remotes.find((r) => r.id === 'r-0001');
    await waitFor('the new hello stored', () => stored()?.hello.tags[0] === 'new', 5000);
    expect(core.fleet.selectable()[0]?.tags).toEqual(['new']);
    const helloAt = stored()?.lastSeen ?? 0;
    const presence = makeEnvelope('presence', 'r-0001', { state: 'online', intervalMs: 1000, seq: 1 });
    srv.deliver('/topic/smt.presence.>', JSON.stringify(presence), {
      destination: '/topic/smt.presence.r-0001',
      JMSXUserID: 'r-0001',
    });
    await waitFor('online', () => core.fleet.get('r-0001')?.status === 'online', 5000);
    const heardAt = core.fleet.get('r-0001')?.lastSeen ?? 0;
    expect(heardAt).toBeGreaterThanOrEqual(helloAt);
    await waitFor('the last-seen time stored', () => stored()?.lastSeen === heardAt, 5000);
    expect(stored()?.firstSeen).toBe(1000);
  });
});
