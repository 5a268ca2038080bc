import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { InventoryStore } from '../store/inventory-store';
import { ConsoleService } from './console-service';
import { offlineSession } from './testing/offline-session';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function service() {
  const { session, dir } = offlineSession('inv-handlers');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const svc = new ConsoleService(session);
  cleanups.push(() => svc.close());
  return { svc, session };
}

describe('Zones & Scopes calls', () => {
  it('lists what remotes serve through the contract, and tells of changes', async () => {
    const { svc, session } = service();
    const changed: { driftedRemotes: number }[] = [];
    svc.subscribe('objectsChanged', (e) => void changed.push(e));
    new InventoryStore(session.db).put(
      'r-1',
      1,
      {
        seq: 1,
        sources: [{ service: 'named', readable: true }],
        objects: [
          { object: { kind: 'zone', name: 'hand.test' }, version: null, sha256: 'a'.repeat(64), since: 1 },
        ],
        truncated: false,
      },
      5,
    );
    await session.inventory.refresh([]);
    expect(await svc.handle('listObjects', [])).toMatchObject({
      ok: true,
      value: {
        objects: [
          { key: 'zone:hand.test', intended: null, counts: { extra: 1 }, remotes: [{ remoteId: 'r-1' }] },
        ],
        driftedRemotes: [],
      },
    });
    // The session's first view was told at start: this one follows within the 500 ms interval.
    await waitFor('objectsChanged', () => changed.length > 0, 5_000);
    expect(changed).toEqual([expect.objectContaining({ driftedRemotes: 0 })]);
  });

  it('says a never-pushed object has no history, and refuses a bad key', async () => {
    const { svc } = service();
    expect(await svc.handle('getObjectHistory', [{ key: 'zone:hand.test' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/never pushed zone:hand.test/) },
    });
    expect(await svc.handle('getObjectHistory', [{ key: 'host:x' }])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
