/**
 * `smt` as an operator runs it: a child process on the lab's console profile and its own database,
 * against real brokers and an in-process simulated fleet (one remote of it refuses every config).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labConsolePassphrase } from '../../lab/lab';
import { parseFaults } from '../../src-agent/simulate/faults';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { fleetZoneText, startPushConsole } from '../helpers/push-console';
import { runSmt } from '../helpers/smt-cli';

/** r-0900 … r-0909 behave; r-0899 (a DDI remote, so it serves DNS; first in id order, so a canary of one) fails validation. */
const GOOD_DNS = ['r-0900', 'r-0902', 'r-0903', 'r-0905', 'r-0906', 'r-0908', 'r-0909'];
const GOOD_DNS_SELECTOR = 'cap:dns+host:*-090?.lab.example';

let lab: LabFixture | undefined;
let good: Simulation | undefined;
let faulty: Simulation | undefined;
let dir = '';
let passphrase = '';

/** Runs `smt` asynchronously: the simulated fleet lives in this process and must keep answering. */
const smt = (...args: string[]) =>
  runSmt({ lab: lab?.opts, db: join(dir, 'console.db'), passphrase }, ...args);

/** `smt push zone` of the fleet zone to `to`, with more flags. */
const pushZone = (to: string, ...flags: string[]) =>
  smt('push', 'zone', join(dir, 'fleet.zone'), '--to', to, ...flags);

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-cli-'));
  passphrase = await labConsolePassphrase(lab.opts);
  good = await startSimulation({ remotes: 10, first: 900, lab: lab.opts });
  faulty = await startSimulation({
    remotes: 1,
    first: 899,
    lab: lab.opts,
    faults: parseFaults('r-0899:fail-validation'),
  });
  await writeFile(join(dir, 'fleet.zone'), `$ORIGIN fleet.test.\n${fleetZoneText(1)}`);
}, 180_000);

afterAll(async () => {
  await good?.stop();
  await faulty?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('smt', () => {
  it('lists the fleet as JSON', async () => {
    const run = await smt('remotes', '--json');
    expect(run.code, run.stderr).toBe(0);
    const remotes = JSON.parse(run.stdout) as { id: string; capabilities: string[] }[];
    expect(remotes.map((r) => r.id)).toEqual([
      'r-0899',
      ...Array.from({ length: 10 }, (_, i) => `r-09${String(i).padStart(2, '0')}`),
    ]);
  }, 60_000);

  let pushId = '';
  it('pushes a zone with a deadline, waits, and exits 0 when every target applied', async () => {
    const run = await pushZone(GOOD_DNS_SELECTOR, '--expires', '1h', '--wait', '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      pushId: string;
      exitCode: number;
      targets: string[];
      deliveries: { state: string }[];
    };
    expect(out.targets).toEqual(GOOD_DNS);
    expect(out.exitCode).toBe(0);
    expect(out.deliveries.map((d) => d.state)).toEqual(GOOD_DNS.map(() => 'applied'));
    pushId = out.pushId;
  }, 90_000);

  it('previews the next version: every target changed, one diff shared by all, nothing pushed', async () => {
    await writeFile(join(dir, 'fleet-v2.zone'), `$ORIGIN fleet.test.\n${fleetZoneText(2)}`);
    const run = await smt(
      'push',
      'zone',
      join(dir, 'fleet-v2.zone'),
      '--to',
      GOOD_DNS_SELECTOR,
      '--preview',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      proposedVersion: number;
      counts: Record<string, number>;
      remotes: { remote: string; status: string; servedVersion: number | null }[];
      diffs: { remotes: string[]; added: number; removed: number }[];
      exitCode: number;
    };
    expect(out).toMatchObject({ proposedVersion: 2, exitCode: 0, counts: { changed: GOOD_DNS.length } });
    expect(out.remotes.map((r) => [r.remote, r.status, r.servedVersion])).toEqual(
      GOOD_DNS.map((id) => [id, 'changed', 1]),
    );
    expect(out.diffs).toEqual([expect.objectContaining({ remotes: GOOD_DNS, added: 2, removed: 2 })]);
    // Nothing was pushed: the next real push still takes version 2.
    const again = await smt(
      'push',
      'zone',
      join(dir, 'fleet-v2.zone'),
      '--to',
      GOOD_DNS_SELECTOR,
      '--preview',
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^preview: upsert zone fleet.test v2 on 7 remotes: 7 changed$/m);
    expect(again.stdout.match(/^@@ /gm)).toHaveLength(1);
  }, 90_000);

  it('exits 4 with the reason when a remote fails the config', async () => {
    const run = await pushZone('r-0899', '--wait');
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/r-0899 failed: .+/);
  }, 90_000);

  it('exits 5 when the canary fails, and holds back the rest', async () => {
    const run = await pushZone('r-0899,r-0900', '--canary', '1', '--wait', '--json');
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toMatch(/^smt: canary halted: .+$/m);
    const out = JSON.parse(run.stdout) as { state: string; counts: { failed: number; held: number } };
    expect(out).toMatchObject({ state: 'halted', counts: { failed: 1, held: 1 } });
  }, 90_000);

  it('remembers the fleet: the next run lists when each remote was last heard and selects ids at once', async () => {
    const listed = await smt('remotes', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const remotes = JSON.parse(listed.stdout) as { id: string; lastSeen: string; lastSeenAgeS: number }[];
    expect(remotes).toHaveLength(11);
    for (const r of remotes) {
      expect(Date.parse(r.lastSeen)).toBeGreaterThan(0);
      expect(r.lastSeenAgeS).toBeGreaterThanOrEqual(0);
    }
    const run = await pushZone('r-0900,r-0902', '--wait');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/waiting for the fleet/);
  }, 90_000);

  it('completes --wait while another console on the profile takes the results', async () => {
    if (!lab) throw new Error('the lab did not start');
    const other = await startPushConsole(lab.opts, join(dir, 'console.db'));
    const taken: string[] = [];
    other.core.onResult((r) => void taken.push(r.body.ref));
    try {
      const run = await pushZone(GOOD_DNS_SELECTOR, '--wait', '--timeout', '60', '--json');
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { deliveries: { smtId: string; state: string }[] };
      expect(out.deliveries.map((d) => d.state)).toEqual(GOOD_DNS.map(() => 'applied'));
      // The other console took results of this very push: this run learnt of them from the database only.
      const ids = new Set(out.deliveries.map((d) => d.smtId));
      expect(taken.filter((ref) => ids.has(ref)).length).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  }, 120_000);

  it('shows the deliveries of a push per remote', async () => {
    const run = await smt('deliveries', pushId, '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { pushId: string; deliveries: { remote: string; state: string }[] };
    expect(out.pushId).toBe(pushId);
    expect(out.deliveries).toEqual(
      GOOD_DNS.map((remote) => expect.objectContaining({ remote, state: 'applied' })),
    );
  }, 60_000);

  it('cancels: nothing is left to withdraw from a push every target applied', async () => {
    const run = await smt('cancel', pushId, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      pushId,
      state: 'done',
      cancelled: 0,
      withRemote: 0,
      unreachable: 0,
    });
    const text = await smt('cancel', pushId);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('cancelled 0\n');
  }, 60_000);
});
