import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { helloEnvelope } from '../testing/fleet-envelopes';
import { ConsoleService } from './console-service';
import type { ProfileSession } from './profile-session';
import { offlineSession } from './testing/offline-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A session on a core that never connects: drafts must work without any broker. */
function service(): { svc: ConsoleService; session: ProfileSession } {
  const { session, dir } = offlineSession('drafts-svc');
  dirs.push(dir);
  const svc = new ConsoleService(session, { actor: 'alice', now: () => 5000 });
  services.push(svc);
  return { svc, session };
}

const object = { kind: 'zone' as const, name: 'example.test' };
const zoneModel = (address: string) => ({
  name: 'example.test',
  ttl: 300,
  soa: {
    mname: 'ns1',
    rname: 'hostmaster@example.test',
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  },
  records: [
    { owner: '@', type: 'NS', target: 'ns1' },
    { owner: 'ns1', type: 'A', address },
  ] as Record<string, string>[],
});

describe('draft calls', () => {
  it('saves an invalid draft with its problems per field, fixes it, lists, reads and deletes it', async () => {
    const { svc } = service();
    const saved = await svc.handle('saveDraft', [
      {
        name: 'ns1 move',
        object,
        content: { format: 'zone', zone: zoneModel('192.0.2.300') },
        targets: 'all',
      },
    ]);
    expect(saved).toMatchObject({
      ok: true,
      value: {
        author: 'alice',
        base: { version: 0, text: null },
        problems: [
          { path: 'zone.records.1.address', message: 'an A record needs an IPv4 address such as 192.0.2.1' },
        ],
      },
    });
    const id = saved.ok ? saved.value.id : '';
    const fixed = await svc.handle('saveDraft', [
      {
        id,
        name: 'ns1 move',
        object,
        content: { format: 'zone', zone: zoneModel('192.0.2.30') },
        targets: 'all',
      },
    ]);
    expect(fixed).toMatchObject({ ok: true, value: { id, problems: [] } });
    expect(await svc.handle('listDrafts', [])).toMatchObject({
      ok: true,
      value: { drafts: [{ id, name: 'ns1 move', format: 'zone', problems: 0 }], corrupt: [] },
    });
    expect(await svc.handle('getDraft', [{ id }])).toMatchObject({ ok: true, value: { id, targets: 'all' } });
    expect(await svc.handle('deleteDraft', [{ id }])).toEqual({ ok: true, value: { deleted: id } });
    expect(await svc.handle('getDraft', [{ id }])).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('takes the base from what this profile pushed when the draft starts', async () => {
    const { svc, session } = service();
    session.push.store.createPush(
      {
        id: crypto.randomUUID(),
        createdAt: 1,
        author: 'bob',
        object,
        version: 7,
        op: 'upsert',
        payload: { format: 'zone-text', text: '$ORIGIN example.test.\n' },
        payloadSha256: '0'.repeat(64),
        selector: { kind: 'ids', ids: ['r-1'] },
        targets: [],
        canary: null,
        expiresAt: null,
      },
      [],
    );
    const saved = await svc.handle('saveDraft', [
      { name: 'n', object, content: { format: 'zone-text', text: 'x' }, targets: '' },
    ]);
    expect(saved).toMatchObject({
      ok: true,
      value: { base: { version: 7, text: '$ORIGIN example.test.\n' } },
    });
  });

  it('says what to do when a check or a served view needs the broker and there is none', async () => {
    const { svc, session } = service();
    session.core.fleet.apply(helloEnvelope('r-1'), Date.now());
    const saved = await svc.handle('saveDraft', [
      { name: 'n', object, content: { format: 'zone', zone: zoneModel('192.0.2.1') }, targets: 'r-1' },
    ]);
    const id = saved.ok ? saved.value.id : '';
    const check = await svc.handle('checkDraft', [{ id }]);
    expect(check).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!check.ok && check.error.message).toMatch(
      /The draft is saved; check again when the connection bar shows connected/,
    );
    const served = await svc.handle('getServed', [{ remoteId: 'r-1', object }]);
    expect(!served.ok && served.error.message).toMatch(/the remote must be online to answer/);
    expect(await svc.handle('getLeases', [{ remoteId: 'r-9', subnet: '10.0.0.0/24' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(
      await svc.handle('saveDraft', [
        { name: ' ', object, content: { format: 'zone-text', text: '' }, targets: '' },
      ]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
