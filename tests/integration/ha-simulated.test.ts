/**
 * Simulated Kea HA pairs (`simulate --ha-pairs`, docs/dhcp.md "HA") on real brokers: two simulated DHCP
 * remotes run as a hot-standby pair; the console pairs them healthy, and once the standby's simulated Kea
 * goes down (the `ha-down` fault) it shows the partner down, as it does for real servers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { parseFaults } from '../../src-agent/simulate/faults';
import {
  remoteIdOf,
  simulatedIndices,
  startSimulation,
  type Simulation,
} from '../../src-agent/simulate/simulation';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const [PRIMARY, STANDBY] = simulatedIndices(980, 2, 'dhcp4').map(remoteIdOf) as [string, string];
/** Long enough for the console to see the pair healthy first. */
const DOWN_AFTER_MS = 15_000;

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let session: ProfileSession | undefined;
let dir = '';

const pair = () => session?.ha.tracker.list({ remoteId: PRIMARY }).pairs[0];

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-ha-sim-'));
  session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
    core: { sweepIntervalMs: 500 },
  });
  sim = await startSimulation({
    remotes: 2,
    first: 980,
    serves: 'dhcp4',
    haPairs: true,
    faults: parseFaults(`${STANDBY}:ha-down=${DOWN_AFTER_MS}/0`),
    statsIntervalMs: 1000,
    lab: lab.opts,
  });
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  await session?.close();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('simulated Kea HA pairs', () => {
  it('pairs the two simulated DHCP remotes, healthy, then shows the partner down once the standby fails', async () => {
    const healthy = await waitFor(
      'the pair healthy',
      // Both sides: one side in touch with its partner is already healthy on its own.
      () => pair()?.verdict === 'healthy' && pair()?.sides.length === 2 && pair(),
      15_000,
      100,
    );
    expect(healthy.name).toBe(`kea-${PRIMARY} + kea-${STANDBY}`);
    expect(
      healthy.sides.map((s) => [s.remoteId, s.relationship?.server.role, s.relationship?.server.state]),
    ).toEqual([
      [PRIMARY, 'primary', 'hot-standby'],
      [STANDBY, 'standby', 'hot-standby'],
    ]);
    const down = await waitFor(
      'the partner down',
      () => {
        const p = pair();
        return (
          p?.verdict === 'partner-down' && p.sides[0]?.relationship?.server.state === 'partner-down' && p
        );
      },
      DOWN_AFTER_MS + 20_000,
      250,
    );
    expect(down.remoteId).toBe(STANDBY);
    expect(down.sides[1]?.unreadable).toMatch(/simulated: kea-r-\d+ is down/);
  }, 60_000);
});
