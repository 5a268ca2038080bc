/**
 * Presence as the console sees it, with the agent CLI as a real separate process: a remote stopped
 * gracefully says goodbye and turns offline at once; one whose process dies without a word turns
 * offline when its presence lapses, and its last stats are shown as stale with their age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { ConsoleCore } from '../../src-main/core/console-core';
import type { RemoteView } from '../../src-shared/ipc/views';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { AgentProcesses, type AgentProcess } from '../helpers/agent-process';

let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
const agents = new AgentProcesses();

/** One simulated remote in its own process; `direct` runs node itself so SIGKILL reaches the agent. */
function agent(first: number, presenceMs: number, statsMs: number, direct: boolean): AgentProcess {
  const args = ['simulate', '--remotes', '1', '--first', String(first), '--lab-dir', lab?.dir ?? ''];
  args.push('--presence-interval-ms', String(presenceMs), '--stats-interval-ms', String(statsMs));
  return agents.start(args, { direct });
}

async function view(id: string): Promise<RemoteView | undefined> {
  return (core as ConsoleCore).fleet.get(id);
}

async function online(a: AgentProcess, id: string): Promise<void> {
  await a.connected();
  await waitFor(
    `${id} online with stats`,
    async () => {
      const v = await view(id);
      return v?.status === 'online' && v.statsAt !== null;
    },
    30_000,
  );
}

beforeAll(async () => {
  lab = await startLab();
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    sweepIntervalMs: 100,
    sealers: await labConsoleSealers(lab.opts),
  });
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
});

afterAll(async () => {
  agents.killAll();
  await core?.stop();
  await lab?.stop();
});

describe('presence', () => {
  it('turns a gracefully stopped remote offline at once', async () => {
    const presenceMs = 3000;
    const a = agent(201, presenceMs, 1000, false);
    await online(a, 'r-0201');
    a.child.kill('SIGTERM');
    // A lapse would take three intervals (9 s); the goodbye shows within one.
    await waitFor('r-0201 offline', async () => (await view('r-0201'))?.status === 'offline', presenceMs);
    expect(await a.exited).toBe(0);
  });

  it('turns a remote that died without goodbye offline when its presence lapses, and shows stale stats', async () => {
    const presenceMs = 1000;
    const a = agent(202, presenceMs, 500, true);
    await online(a, 'r-0202');
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    // Three intervals of silence, counted from the last presence (at most one interval before the kill).
    await waitFor(
      'r-0202 offline',
      async () => (await view('r-0202'))?.status === 'offline',
      3 * presenceMs + 2000,
    );
    // Not before two intervals: a lower bound, which no slow machine breaks.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2 * presenceMs);

    const stale = await waitFor(
      'stale stats',
      async () => {
        const v = await view('r-0202');
        return v && v.statsAt !== null && Date.now() - v.statsAt > v.staleAfterMs ? v : undefined;
      },
      15_000,
    );
    expect(stale.staleAfterMs).toBe(3 * 500);
    expect(stale.statsAt).toBeLessThanOrEqual(killedAt);
    expect(stale.cpuPct).not.toBeNull();
    expect(await a.exited).toBeNull();
  });
});
