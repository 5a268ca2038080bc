/**
 * The Remote screen's actions and history through the console service, real brokers and a simulated
 * fleet: service commands answered per remote (or left waiting for one that is away), and the events
 * remotes report kept in the profile's database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { openProfileSession } from '../../src-main/core/service/profile-session';
import type { RemoteEvent } from '../../src-shared/ipc';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

let lab: LabFixture | undefined;
let svc: ConsoleService | undefined;
let sim: Simulation | undefined;
const dir = mkdtempSync(join(tmpdir(), 'smt-actions-'));

beforeAll(async () => {
  lab = await startLab();
  const session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
  });
  svc = new ConsoleService(session, { actor: 'alice', commandWaitMs: 3_000 });
  sim = await startSimulation({
    remotes: 3,
    statsIntervalMs: 300,
    presenceIntervalMs: 300,
    lab: lab.opts,
    // r-0003 drops its connection for a while once the other tests ran, as a remote on a bad link would.
    faults: [{ remote: 'r-0003', fault: { kind: 'offline', afterMs: 10_000, forMs: 8_000 } }],
  });
  const s = sim;
  await waitFor(
    'the fleet online in the console',
    () => s.remotes.every((r) => session.core.fleet.get(r.id)?.status === 'online'),
    30_000,
  );
});

afterAll(async () => {
  await sim?.stop();
  await svc?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const events = async (rid: string): Promise<RemoteEvent[]> => {
  const r = await (svc as ConsoleService).handle('getRemoteEvents', [{ remoteId: rid, limit: 50 }]);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('remote actions', () => {
  it('restarts named where it runs and says why not where it does not, then the restart shows in the events', async () => {
    const s = svc as ConsoleService;
    // The simulation's r-0001 is a DHCP server, r-0002 runs DNS and DHCP.
    const pidBefore = s.session.core.fleet.get('r-0002')?.processes.find((p) => p.name === 'named')?.pid;
    const r = await s.handle('runCommand', [
      { remoteIds: ['r-0001', 'r-0002'], action: 'restart', service: 'named' },
    ]);
    expect(r.ok && r.value.map((o) => [o.remoteId, o.state, o.reason])).toEqual([
      ['r-0001', 'failed', 'named is not installed or not configured on this remote'],
      ['r-0002', 'applied', undefined],
    ]);
    const codes = await waitFor(
      'the command and the new pid in r-0002’s events',
      async () => {
        const c = (await events('r-0002')).map((e) => e.code);
        return c.includes('command') && c.includes('process-restarted') ? c : undefined;
      },
      30_000,
    );
    expect(codes).toContain('command');
    const pidAfter = s.session.core.fleet.get('r-0002')?.processes.find((p) => p.name === 'named')?.pid;
    expect(pidAfter).not.toBe(pidBefore);
    const command = (await events('r-0002')).find((e) => e.code === 'command');
    expect(command).toMatchObject({ severity: 'info', service: 'named', remoteId: 'r-0002' });
    expect(command?.message).toMatch(/^restart named done, asked by /);
    const refused = (await events('r-0001')).find((e) => e.code === 'command-failed');
    expect(refused).toMatchObject({ severity: 'warning', service: 'named' });
  });

  it('says why a command cannot be run before sending anything', async () => {
    const s = svc as ConsoleService;
    expect(
      await s.handle('runCommand', [{ remoteIds: ['r-0001'], action: 'flush-cache', service: 'kea-dhcp4' }]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: 'Only named has a cache to flush; kea-dhcp4 does not.' },
    });
    expect(
      await s.handle('runCommand', [{ remoteIds: ['r-0009'], action: 'reload', service: 'named' }]),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('leaves a command waiting for a remote that is away, which runs it when it is back', async () => {
    const s = svc as ConsoleService;
    const away = (sim as Simulation).remotes[2];
    if (!away) throw new Error('three remotes');
    await waitFor('r-0003 offline', () => s.session.core.fleet.get(away.id)?.status === 'offline', 30_000);
    const r = await s.handle('runCommand', [{ remoteIds: [away.id], action: 'reload', service: 'named' }]);
    expect(r.ok && r.value[0]).toMatchObject({ remoteId: away.id, state: 'waiting' });
    await waitFor(
      'the reload in the returning remote’s events',
      async () =>
        (await events(away.id)).some((e) => e.code === 'command' && e.message.startsWith('reload named'))
          ? true
          : undefined,
      30_000,
    );
  });

  it('records every command in the audit trail with who asked and what became of it', () => {
    const trail = (svc as ConsoleService).session.push.store
      .auditTrail()
      .filter((a) => a.action === 'command');
    expect(trail.map((a) => [a.actor, a.subject, a.detail])).toEqual([
      ['alice', 'restart named', { remotes: 2, applied: 1, failed: 1, waiting: 0, notSent: 0 }],
      ['alice', 'reload named', { remotes: 1, applied: 0, failed: 0, waiting: 1, notSent: 0 }],
    ]);
  });
});
