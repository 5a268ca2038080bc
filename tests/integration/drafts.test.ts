/**
 * Drafts against real brokers and simulated remotes, through the ConsoleService as the renderer calls it:
 * a draft made after v1 of a zone reached two remotes is based on v1; once v2 reaches one of them, a check
 * names that remote a conflict with what changed since the base (v1 → v2) and what the draft would
 * overwrite (v2 → the draft), and the other current. The served view shows what the remote serves.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, killBroker, labConsoleSealers } from '../../lab/lab';
import { createSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { openProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor, within } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { fleetZoneText } from '../helpers/push-console';

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let svc: ConsoleService | undefined;
let dbDir = '';

const object = { kind: 'zone' as const, name: 'fleet.test' };
/** Two remotes that run DNS, picked from the fleet once it said hello. */
let [a, b] = ['', ''];

beforeAll(async () => {
  lab = await startLab();
  dbDir = await mkdtemp(join(tmpdir(), 'smt-drafts-db-'));
  sim = await createSimulation({
    remotes: 3,
    lab: lab.opts,
    statsIntervalMs: 60_000,
    presenceIntervalMs: 5_000,
  });
  await sim.start();
  const session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dbDir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
  });
  svc = new ConsoleService(session, { actor: 'drafts test', queryTimeoutMs: 10_000 });
  await waitFor(
    'the console to connect',
    () => session.core.connectionStatus().state.kind === 'connected',
    30_000,
  );
  await waitFor(
    'the hello of all 3 remotes',
    () => session.core.fleet.selectable().filter((r) => r.capabilities.length > 0).length === 3,
    60_000,
    100,
  );
  const dns = session.core.fleet
    .selectable()
    .filter((r) => r.capabilities.includes('dns'))
    .map((r) => r.id)
    .sort();
  [a = '', b = ''] = dns;
  expect(b).not.toBe('');
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  await svc?.close();
  await lab?.stop();
  if (dbDir) await rm(dbDir, { recursive: true, force: true });
});

async function push(version: number, ids: string[]): Promise<void> {
  const s = svc?.session;
  if (!s) throw new Error('no session');
  const created = s.push.engine.push({
    object,
    version,
    payload: { format: 'zone-text', text: fleetZoneText(version) },
    selector: { kind: 'ids', ids },
    author: 'drafts test',
  });
  await waitFor(
    `v${version} applied on ${ids.join(', ')}`,
    () => s.push.engine.progress(created.push.id).summary.counts.applied === ids.length,
    60_000,
    50,
  );
}

describe('drafts with real brokers', () => {
  it('names the remote whose served version moved past the draft’s base, with both diffs', async () => {
    const service = svc as ConsoleService;
    await push(1, [a, b]);
    const proposed = fleetZoneText(1).replace('www IN A 192.0.2.1', 'www IN A 192.0.2.99');
    const saved = await service.handle('saveDraft', [
      {
        name: 'renumber www',
        object,
        content: { format: 'zone-text', text: proposed },
        targets: `${a},${b}`,
      },
    ]);
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.value.base).toEqual({ version: 1, text: fleetZoneText(1) });

    await push(2, [a]);
    const check = await service.handle('checkDraft', [{ id: saved.value.id }]);
    if (!check.ok) throw new Error(check.error.message);
    expect(check.value).toMatchObject({ baseVersion: 1, conflicts: 1 });
    const [onA, onB] = check.value.remotes;
    expect(onB).toMatchObject({ remote: b, status: 'current', servedVersion: 1 });
    expect(onA).toMatchObject({ remote: a, status: 'conflict', servedVersion: 2 });
    const changed = (d: NonNullable<typeof onA>['sinceBase']) =>
      d?.hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.text}`));
    expect(changed(onA?.sinceBase ?? null)).toEqual([
      '-@ IN SOA ns1 hostmaster 1 3600 600 86400 300',
      '+@ IN SOA ns1 hostmaster 2 3600 600 86400 300',
      '-www IN A 192.0.2.1',
      '+www IN A 192.0.2.2',
    ]);
    expect(changed(onA?.overwrite ?? null)).toEqual([
      '-@ IN SOA ns1 hostmaster 2 3600 600 86400 300',
      '+@ IN SOA ns1 hostmaster 1 3600 600 86400 300',
      '-www IN A 192.0.2.2',
      '+www IN A 192.0.2.99',
    ]);

    const served = await service.handle('getServed', [{ remoteId: a, object }]);
    expect(served).toMatchObject({ ok: true, value: { served: true, version: 2, text: fleetZoneText(2) } });
    expect(await service.handle('listPushedObjects', [])).toEqual({ ok: true, value: [object] });
  }, 180_000);

  it('opens a profile and keeps drafts while no broker answers', async () => {
    for (const name of ['secondary', 'primary'] as const) await killBroker(name, lab?.opts);
    const sealers = await labConsoleSealers(lab?.opts);
    // What the browser host and the desktop app do at start: the connection is made in the background.
    const session = await within(
      'the profile to open with no broker',
      openProfileSession({
        profileFile: consoleProfilePath(lab?.opts),
        dbFile: join(dbDir, 'offline.db'),
        sealers,
      }),
      10_000,
    );
    const offline = new ConsoleService(session, { actor: 'drafts test' });
    try {
      expect(session.core.connectionStatus().state.kind).not.toBe('connected');
      const saved = await offline.handle('saveDraft', [
        { name: 'offline', object, content: { format: 'zone-text', text: fleetZoneText(5) }, targets: 'all' },
      ]);
      expect(saved).toMatchObject({ ok: true, value: { problems: [] } });
      const check = await offline.handle('checkDraft', [{ id: saved.ok ? saved.value.id : '' }]);
      expect(check).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    } finally {
      await offline.close();
    }
  }, 120_000);
});
