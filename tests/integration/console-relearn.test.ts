/**
 * A console that restarts while its fleet stays connected gets no hello again (hello is sent on connect
 * and consumed from the console id's copy of the inventory): the new core asks each remote it hears from for its hello
 * and shows every row with its host details, through real brokers and a simulated fleet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleCore } from '../../src-main/core/console-core';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const REMOTES = 12;
let lab: LabFixture | undefined;
let sim: Simulation | undefined;
const cores: ConsoleCore[] = [];

async function startCore(): Promise<ConsoleCore> {
  const core = await ConsoleCore.fromProfileFile(consoleProfilePath((lab as LabFixture).opts), {
    sealers: await labConsoleSealers((lab as LabFixture).opts),
    // A burst limit below the fleet size, so the test also sees queries go out in waves.
    relearn: { maxInFlight: 5 },
  });
  cores.push(core);
  await core.start();
  await waitFor('the console to connect', () => core.connectionStatus().state.kind === 'connected', 30_000);
  return core;
}

/** Every remote's hostname as the core shows it, once each row has one. */
function hostnames(core: ConsoleCore, ids: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const id of ids) {
    const v = core.fleet.get(id);
    if (!v || v.hostname === '' || v.status !== 'online') return undefined;
    out.set(id, v.hostname);
  }
  return out;
}

beforeAll(async () => {
  lab = await startLab();
});

afterAll(async () => {
  await sim?.stop();
  for (const c of cores) await c.stop();
  await lab?.stop();
});

describe('a restarted console re-learns its fleet', () => {
  it('shows every connected remote with its host details though no hello is sent again', async () => {
    const first = await startCore();
    sim = await startSimulation({
      remotes: REMOTES,
      first: 601,
      statsIntervalMs: 500,
      presenceIntervalMs: 500,
      lab: (lab as LabFixture).opts,
    });
    expect(sim.connected()).toBe(REMOTES);
    const ids = sim.remotes.map((r) => r.id);
    const seen = await waitFor('the first console to show every hello', () => hostnames(first, ids), 30_000);
    // It had every hello from the inventory, so it asked no one.
    expect(first.relearn.counters().asked).toBe(0);
    await first.stop();

    const second = await startCore();
    const relearned = await waitFor(
      'the new console to show every hostname',
      () => hostnames(second, ids),
      30_000,
    );
    expect(relearned).toEqual(seen);
    expect(second.fleet.get(ids[0] ?? '')).toMatchObject({ mode: 'simulated' });
    // Every row came from a reply to its query, each remote asked once, and nothing was dropped.
    expect(second.relearn.counters()).toMatchObject({
      asked: REMOTES,
      learned: REMOTES,
      refused: 0,
      invalid: 0,
      mismatched: 0,
    });
    expect(second.rejects().total).toBe(0);
    expect(sim.connected()).toBe(REMOTES);
  });
});
