/**
 * Killing the active (primary) broker with SIGKILL moves the console and every remote to the secondary,
 * and the fleet view keeps updating. Real brokers over mutual TLS on a private lab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, killBroker, labConsoleSealers } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import type { FleetPatch } from '../../src-shared/ipc/views';
import { ConsoleCore } from '../../src-main/core/console-core';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const N = 5;
let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;

beforeAll(async () => {
  lab = await startLab();
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    sweepIntervalMs: 200,
    sealers: await labConsoleSealers(lab.opts),
  });
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
  sim = await startSimulation({ remotes: N, statsIntervalMs: 500, presenceIntervalMs: 500, lab: lab.opts });
  const c = core;
  await waitFor(
    'every remote online with stats in the fleet view',
    () =>
      sim?.remotes.every((r) => c.fleet.get(r.id)?.status === 'online' && c.fleet.statsSeq(r.id) !== null),
    30_000,
  );
});

afterAll(async () => {
  await sim?.stop();
  await core?.stop();
  await lab?.stop();
});

describe('failover', () => {
  it('moves the console and every remote to the secondary and keeps the fleet view updating', async () => {
    const c = core as ConsoleCore;
    const s = sim as Simulation;
    const patches: FleetPatch[] = [];
    c.subscribe('fleetPatch', (p) => void patches.push(p));
    expect(c.connectionStatus().state).toMatchObject({ kind: 'connected', broker: 0 });
    expect(s.byBroker()).toEqual({ primary: N });
    const seqAtKill = new Map(s.remotes.map((r) => [r.id, c.fleet.statsSeq(r.id) ?? -1]));

    const killedAt = Date.now();
    await killBroker('primary', lab?.opts);

    const back = await waitFor(
      'the console on the secondary',
      () => {
        const s = c.connectionStatus();
        return s.state.kind === 'connected' && s.state.broker === 1 ? s : undefined;
      },
      60_000,
    );
    const consoleBackMs = Date.now() - killedAt;
    await waitFor('every remote on the secondary', () => s.byBroker().secondary === N, 60_000);
    const remotesBackMs = Date.now() - killedAt;

    const status = c.connectionStatus();
    expect(status.brokers[1]?.name).toBe('secondary');
    expect(status.lastFailoverAt).toBeGreaterThanOrEqual(killedAt);

    await waitFor(
      'fresh stats from every remote after the kill',
      () => s.remotes.every((r) => (c.fleet.statsSeq(r.id) ?? -1) > (seqAtKill.get(r.id) ?? 0) + 1),
      30_000,
    );
    for (const v of c.fleet.snapshot(Date.now()).remotes) {
      expect(v.status).toBe('online');
      expect(v.statsAt).toBeGreaterThan(killedAt);
    }
    // The renderer saw it too, batched: every remote in some patch since the console reconnected.
    const reconnectedAt = back.state.kind === 'connected' ? back.state.since : killedAt;
    // Patches are batched, so the last remote's fresh stats may still be in the patcher's pending batch.
    const patchedSinceReconnect = (): Set<string> =>
      new Set(
        patches
          .filter((p) => p.at >= reconnectedAt)
          .flatMap((p) => p.upserts.filter((u) => (u.statsAt ?? 0) >= reconnectedAt).map((u) => u.id)),
      );
    await waitFor(
      'every remote in a fleet patch since the reconnect',
      () => patchedSinceReconnect().size === N,
      10_000,
    );
    expect([...patchedSinceReconnect()].sort()).toEqual(s.remotes.map((r) => r.id).sort());

    console.log(
      `failover: console back on the secondary after ${consoleBackMs} ms, all ${N} remotes after ${remotesBackMs} ms`,
    );
  });
});
