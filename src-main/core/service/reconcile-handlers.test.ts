import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { soaSerialOf } from '../../../src-shared/config/zone-serial';
import type { ObjectView, RemoteObjectView } from '../../../src-shared/ipc/inventory-views';
import { helloEnvelope } from '../testing/fleet-envelopes';
import { remoteObjectView as remote } from '../testing/remote-object-view';
import { InventoryStore } from '../store/inventory-store';
import { ConsoleService } from './console-service';
import { CallError } from './handlers';
import type { ProfileSession } from './profile-session';
import { reconcileHandlers, type InventoryPort } from './reconcile-handlers';
import { offlineSession } from './testing/offline-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const object = { kind: 'zone' as const, name: 'example.test' };
const zoneText = (serial: number) =>
  `$ORIGIN example.test.\n@ 300 IN SOA ns1 hostmaster.example.test. ${serial} 3600 600 86400 300\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n`;

/** The real push store and engine on a temp database behind an unstarted core: nothing is sent. */
function setup() {
  const { session, dir } = offlineSession('reconcile-handlers');
  dirs.push(dir);
  const svc = new ConsoleService(session, { actor: 'alice' });
  services.push(svc);
  for (const id of ['r-1', 'r-2', 'r-3']) session.core.fleet.apply(helloEnvelope(id), Date.now());
  const views = new Map<string, ObjectView>();
  const port: InventoryPort = { object: (key) => views.get(key) };
  const handlers = reconcileHandlers(
    () => session,
    () => port,
    { actor: 'alice', now: () => Date.UTC(2026, 11, 7, 12), queryTimeoutMs: 1000 },
  );
  return { svc, session, views, handlers };
}

function pushed(session: ProfileSession, version: number, text: string) {
  session.push.store.createPush(
    {
      id: crypto.randomUUID(),
      createdAt: version,
      author: 'bob',
      object,
      version,
      op: 'upsert',
      payload: { format: 'zone-text', text },
      payloadSha256: '0'.repeat(64),
      selector: { kind: 'ids', ids: ['r-1', 'r-2', 'r-3'] },
      targets: ['r-1', 'r-2', 'r-3'],
      canary: null,
      expiresAt: null,
    },
    [],
  );
}

const viewOf = (remotes: RemoteObjectView[]): ObjectView => ({
  key: 'zone:example.test',
  object,
  intended: { version: 2, op: 'upsert', sha256: null, pushId: 'p', at: 2 },
  versions: 2,
  counts: { 'in-sync': 1, drifted: 1, missing: 1, extra: 0, unknown: 0 },
  remotes,
});

async function callError(call: () => unknown): Promise<CallError> {
  try {
    await call();
  } catch (e) {
    if (e instanceof CallError) return e;
    throw e;
  }
  throw new Error('no CallError');
}

describe('reconcile and revert handlers', () => {
  it('plan from the port and the push store; the ordinary push path takes the plan as it is', async () => {
    const { svc, session, views, handlers } = setup();
    pushed(session, 1, zoneText(10));
    pushed(session, 2, zoneText(20));
    views.set(
      'zone:example.test',
      viewOf([remote('r-1', 'in-sync', 20), remote('r-2', 'drifted', 99), remote('r-3', 'missing', null)]),
    );
    const planned = await handlers.planReconcile({ key: 'zone:example.test' });
    expect(planned.remoteIds).toEqual(['r-2', 'r-3']);
    const text = planned.request.payload?.format === 'zone-text' ? planned.request.payload.text : '';
    expect(soaSerialOf(text)).toBe(100);
    expect(session.push.store.auditTrail().map((e) => e.action)).toEqual(['push', 'push']);

    const started = await svc.handle('startPush', [planned.request]);
    expect(started).toMatchObject({ ok: true, value: { version: 3, targets: 2, unknown: [] } });

    const revert = await handlers.planRevert({ key: 'zone:example.test', version: 1 });
    expect(revert.request.version).toBe(4);
    expect(revert.remoteIds).toEqual(['r-1', 'r-2', 'r-3']);
    expect(revert.summary).toMatch(/^revert zone example.test to the content of version 1 as version 4/);
  });

  it('answer a specific CallError for an unknown object, a bad subset and an unknown version', async () => {
    const { session, views, handlers } = setup();
    pushed(session, 1, zoneText(10));
    pushed(session, 2, zoneText(20));
    expect(await callError(() => handlers.planReconcile({ key: 'zone:other.test' }))).toMatchObject({
      code: 'not-found',
    });
    views.set('zone:example.test', viewOf([remote('r-1', 'in-sync', 20), remote('r-2', 'drifted', 99)]));
    expect(
      await callError(() => handlers.planReconcile({ key: 'zone:example.test', remoteIds: ['r-1'] })),
    ).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/r-1 is in-sync/) as string });
    expect(
      await callError(() => handlers.planRevert({ key: 'zone:example.test', version: 7 })),
    ).toMatchObject({
      code: 'not-found',
    });
  });
});

describe('the console service', () => {
  it('plans from the profile session’s own inventory', async () => {
    const { svc, session } = setup();
    expect(await svc.handle('planReconcile', [{ key: 'zone:example.test' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // r-1 serves a zone this profile never pushed: extra, with nothing intended to reconcile to.
    new InventoryStore(session.db).put(
      'r-1',
      1,
      {
        seq: 1,
        sources: [{ service: 'named', readable: true }],
        objects: [{ object, version: null, sha256: 'a'.repeat(64), since: 1 }],
        truncated: false,
      },
      5,
    );
    // Written beside the session's inventory, as another process would: a refresh reads it.
    await session.inventory.refresh([]);
    const revert = await svc.handle('planRevert', [{ key: 'zone:example.test', version: 1 }]);
    expect(!revert.ok && revert.error).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/version 1/),
    });
    const reconcile = await svc.handle('planReconcile', [{ key: 'zone:example.test' }]);
    expect(!reconcile.ok && reconcile.error.message).toMatch(/never pushed through this profile/);
    // Adopt needs no inventory, only the remote: with no broker it says so.
    const adopt = await svc.handle('adoptServed', [{ key: 'zone:example.test', remoteId: 'r-1' }]);
    expect(!adopt.ok && adopt.error.message).toMatch(/the remote must be online to answer/);
  });
});

describe('adoptServed', () => {
  const connected = (session: ProfileSession) =>
    vi
      .spyOn(session.core, 'connectionStatus')
      .mockReturnValue({ state: { kind: 'connected' } } as unknown as ReturnType<
        ProfileSession['core']['connectionStatus']
      >);

  it('saves what the remote serves as a draft for that remote, based on the latest version, and audits it', async () => {
    const { session, handlers } = setup();
    pushed(session, 1, zoneText(10));
    connected(session);
    const query = vi.spyOn(session.core, 'query').mockResolvedValue({
      ok: true,
      data: { object, served: true, version: 1, text: zoneText(42), sha256: 'a'.repeat(64) },
    });
    const draft = await handlers.adoptServed({ key: 'zone:example.test', remoteId: 'r-2' });
    expect(query).toHaveBeenCalledWith('r-2', { query: 'config', object }, { timeoutMs: 1000 });
    expect(draft).toMatchObject({
      name: 'adopted from r-2 2026-12-07',
      object,
      content: { format: 'zone-text', text: zoneText(42) },
      targets: 'r-2',
      base: { version: 1, text: zoneText(10) },
      author: 'alice',
    });
    expect(session.push.store.auditTrail().at(-1)).toMatchObject({
      actor: 'alice',
      action: 'adopt',
      subject: draft.id,
      detail: { object, remoteId: 'r-2', version: 1 },
    });
  });

  it('reads a served scope back into the scope form', async () => {
    const { session, handlers } = setup();
    connected(session);
    const scope = { kind: 'scope' as const, subnet: '10.0.0.0/24' };
    vi.spyOn(session.core, 'query').mockResolvedValue({
      ok: true,
      data: {
        object: scope,
        served: true,
        version: null,
        text: 'subnet 10.0.0.0/24\nid 4\npool 10.0.0.10-10.0.0.20\n',
        sha256: 'b'.repeat(64),
      },
    });
    const draft = await handlers.adoptServed({ key: 'scope:10.0.0.0/24', remoteId: 'r-1' });
    expect(draft).toMatchObject({
      content: {
        format: 'scope',
        scope: { subnet: '10.0.0.0/24', id: 4, pools: [{ start: '10.0.0.10', end: '10.0.0.20' }] },
      },
      base: { version: 0, text: null },
      problems: [],
    });
  });

  it('refuses when the remote does not serve the object, and writes nothing', async () => {
    const { session, handlers } = setup();
    connected(session);
    vi.spyOn(session.core, 'query').mockResolvedValue({
      ok: true,
      data: { object, served: false, version: null, text: null, sha256: null },
    });
    expect(
      await callError(() => handlers.adoptServed({ key: 'zone:example.test', remoteId: 'r-1' })),
    ).toMatchObject({
      code: 'not-found',
      message: 'r-1 does not serve zone example.test: there is nothing to adopt.',
    });
    expect(session.push.store.auditTrail()).toEqual([]);
  });
});
