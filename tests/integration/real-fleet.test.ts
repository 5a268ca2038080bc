/**
 * The lab's real remotes (lab/real-remotes.ts), as `npm run demo -- --real N` starts them: five remotes,
 * each its own named and/or kea-dhcp4 and its own `smt-agent run`, provisioned on a real lab. The console
 * side hears each one's hello with the capabilities its servers give it, and stopping them by PID leaves
 * no process behind.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pidAlive } from '../../lab/process';
import { startRealRemotes, stopRealRemotes, type RealRemote } from '../../lab/real-remotes';
import { waitFor } from '../../src-node/smt/testing/wait';
import { ConsoleProbe } from '../helpers/console-probe';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { stopCountingLeftovers } from '../helpers/real-remotes';

let lab: LabFixture | undefined;
let probe: ConsoleProbe | undefined;
let remotes: RealRemote[] = [];

beforeAll(async () => {
  lab = await startLab();
  // Before the agents: the lab console's inventory queue exists once someone reads it.
  probe = await ConsoleProbe.start(lab.opts, { hellos: true });
  remotes = await startRealRemotes(lab.opts, 5);
}, 240_000);

afterAll(async () => {
  await stopRealRemotes(remotes);
  await probe?.stop();
  await lab?.stop();
}, 60_000);

it('starts five real remotes whose hellos carry the capabilities of their servers', async () => {
  expect(remotes.map((r) => [r.remoteId, r.services])).toEqual([
    ['real-01', ['dns']],
    ['real-02', ['dhcp4']],
    ['real-03', ['dns', 'dhcp4']],
    ['real-04', ['dns']],
    ['real-05', ['dhcp4']],
  ]);
  const p = probe as ConsoleProbe;
  await waitFor('a hello from each real remote', () => remotes.every((r) => p.hello(r.remoteId)), 30_000);
  for (const r of remotes) {
    expect([...(p.hello(r.remoteId)?.body.capabilities ?? [])].sort()).toEqual([...r.services].sort());
    expect(r.pids().length).toBe(1 + r.services.length);
    expect(r.pids().every(pidAlive)).toBe(true);
  }
  // Each server on its own ports and directories.
  const ports = remotes.flatMap((r) => (r.bind ? [r.bind.port, r.bind.controlPort, r.bind.statsPort] : []));
  expect(new Set(ports).size).toBe(ports.length);
  const sockets = remotes.flatMap((r) => (r.kea ? [r.kea.socketPath] : []));
  expect(new Set(sockets).size).toBe(3);
});

it('stops every agent, named and kea-dhcp4 by PID, leaving none running', async () => {
  expect(await stopCountingLeftovers(remotes)).toEqual({ pids: 5 + 3 + 3, alive: [] });
  remotes = [];
}, 60_000);
