/**
 * Kea high availability on real servers (docs/dhcp.md, "HA"): two kea-dhcp4 processes on this machine run
 * as a hot-standby pair (the HA hook's own HTTP listeners, no kea-ctrl-agent), each the Kea of a remote
 * whose real agent reports through the lab's brokers. A console session pairs the two sides and shows
 * them healthy in the states Kea's own status-get reports; the standby's kea-dhcp4 killed by its PID,
 * the primary's side reports its partner down and the `ha-partner` alert fires; the standby started
 * again, the pair is healthy and the alert resolved.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { KEA_HA_HOOK, startKea, type KeaHaPeer, type KeaServer } from '../../lab/real-servers';
import { freePorts } from '../../lab/state';
import { KEA_SUCCESS, keaCommand } from '../../src-agent/targets/kea-control';
import { haHandlers } from '../../src-main/core/service/ha-handlers';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor } from '../../src-node/smt/testing/wait';
import { defaultAlertRules } from '../../src-shared/alerts/rules';
import type { HaPairView } from '../../src-shared/ipc/ha-views';
import { AgentProcesses, writeLabAgentConfig } from '../helpers/agent-process';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const PRIMARY = 'r-0561';
const STANDBY = 'r-0562';
const PAIR = 'kea-primary + kea-standby';

let lab: LabFixture | undefined;
let session: ProfileSession | undefined;
const keas: Partial<Record<typeof PRIMARY | typeof STANDBY, KeaServer>> = {};
const agents = new AgentProcesses();
let dir = '';

/** The pair as the console's listHa answers the Remote screen. */
async function pair(): Promise<HaPairView | undefined> {
  const answer = await haHandlers(() => session as ProfileSession).listHa({ remoteId: PRIMARY });
  return answer.pairs.find((p) => p.name === PAIR);
}

/** This server's state and role as Kea's own status-get reports them now. */
async function keaSays(kea: KeaServer): Promise<{ state: string; role: string }> {
  const answer = await keaCommand(kea.socketPath, 'status-get', undefined, 5000);
  expect(answer.result, answer.text).toBe(KEA_SUCCESS);
  const [ha] = (
    answer.arguments as {
      'high-availability': { 'ha-servers': { local: { state: string; role: string } } }[];
    }
  )['high-availability'];
  return { state: ha?.['ha-servers'].local.state ?? '', role: ha?.['ha-servers'].local.role ?? '' };
}

const haAlerts = () =>
  (session as ProfileSession).alerts
    .list({ states: ['firing', 'acknowledged', 'resolved'], limit: 100 })
    .alerts.filter((a) => a.rule === 'ha-partner');

describe('Kea HA on a real hot-standby pair', () => {
  beforeAll(async () => {
    // Not skipped: a machine without the hook cannot prove HA, and says so.
    if (KEA_HA_HOOK === undefined) throw new Error("Kea's HA hook (libdhcp_ha.so) is not installed here");
    lab = await startLab();
    dir = await mkdtemp(join(tmpdir(), 'smt-kea-ha-'));
    const [primaryPort, standbyPort] = await freePorts(2);
    const peers: KeaHaPeer[] = [
      { name: 'kea-primary', url: `http://127.0.0.1:${primaryPort}/`, role: 'primary' },
      { name: 'kea-standby', url: `http://127.0.0.1:${standbyPort}/`, role: 'standby' },
    ];
    const subnet4 = [{ id: 56, subnet: '10.56.0.0/24', pools: [{ pool: '10.56.0.100-10.56.0.150' }] }];
    keas[PRIMARY] = await startKea({
      subnet4,
      ha: { thisServer: 'kea-primary', mode: 'hot-standby', peers },
    });
    keas[STANDBY] = await startKea({
      subnet4,
      ha: { thisServer: 'kea-standby', mode: 'hot-standby', peers },
    });
    for (const rid of [PRIMARY, STANDBY] as const) {
      await mkdir(join(dir, rid));
      const file = await writeLabAgentConfig(lab.opts, rid, join(dir, rid), {
        presenceIntervalMs: 1000,
        // The usage poll (and with it status-get) runs on the stats interval.
        statsIntervalMs: 1000,
        kea: (keas[rid] as KeaServer).settings,
      });
      await agents.start(['run', '--config', file], { direct: false }).connectedToPrimary(rid);
    }
    session = await openProfileSession({
      profileFile: consoleProfilePath(lab.opts),
      dbFile: join(dir, 'console.db'),
      sealers: await labConsoleSealers(lab.opts),
      core: { sweepIntervalMs: 500 },
    });
    // Held two seconds, not the default minute: the test does not wait for a real partner restart window.
    session.alerts.saveRules([{ ...defaultAlertRules['ha-partner'], holdS: 2 }], 'kea HA test');
  }, 180_000);

  afterAll(async () => {
    agents.killAll();
    await session?.close();
    await Promise.all(Object.values(keas).map((k) => k.stop()));
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows both sides healthy, in the states and roles Kea’s own status-get reports', async () => {
    const primary = keas[PRIMARY] as KeaServer;
    const standby = keas[STANDBY] as KeaServer;
    // Kea moves through waiting, syncing and ready first: wait for the console to show what Kea says now.
    const healthy = await waitFor(
      'the console to show the pair healthy as Kea reports it',
      async () => {
        const p = await pair();
        if (p?.verdict !== 'healthy') return false;
        const kea = { [PRIMARY]: await keaSays(primary), [STANDBY]: await keaSays(standby) };
        const shown = Object.fromEntries(
          p.sides.map((s) => [
            s.remoteId,
            { state: s.relationship?.server.state, role: s.relationship?.server.role },
          ]),
        );
        return JSON.stringify(shown) === JSON.stringify(kea) && { p, kea };
      },
      90_000,
      250,
    );
    expect(healthy.kea).toEqual({
      [PRIMARY]: { state: 'hot-standby', role: 'primary' },
      [STANDBY]: { state: 'hot-standby', role: 'standby' },
    });
    expect(
      healthy.p.sides.map((s) => [s.remoteId, s.relationship?.server.name, s.relationship?.partner?.name]),
    ).toEqual([
      [PRIMARY, 'kea-primary', 'kea-standby'],
      [STANDBY, 'kea-standby', 'kea-primary'],
    ]);
    expect(
      healthy.p.sides.every((s) => !s.stale && s.relationship?.partner?.communicationInterrupted === false),
    ).toBe(true);
    session?.alerts.evaluate();
    expect(haAlerts().filter((a) => a.state === 'firing')).toEqual([]);
  }, 120_000);

  it('the standby’s kea-dhcp4 killed by PID: the primary reports its partner down and the alert fires', async () => {
    const standby = keas[STANDBY] as KeaServer;
    process.kill(standby.pid, 'SIGKILL');
    const down = await waitFor(
      'the console to show the partner down',
      async () => {
        const p = await pair();
        return p?.verdict === 'partner-down' && p;
      },
      60_000,
      250,
    );
    const primarySide = down.sides.find((s) => s.remoteId === PRIMARY);
    // Kea marks the partner unavailable at the first failed heartbeat, interrupted and partner-down after.
    expect(primarySide?.relationship?.partner).toMatchObject({
      name: 'kea-standby',
      lastState: 'unavailable',
    });
    expect(down.remoteId).toBe(STANDBY);
    // The standby's agent cannot read its Kea: it says so, and keeps its place in the pair.
    await waitFor(
      'the standby side unreadable',
      async () => (await pair())?.sides.find((s) => s.remoteId === STANDBY)?.unreadable,
      30_000,
      250,
    );
    const [alert] = await waitFor(
      'the ha-partner alert',
      () => {
        session?.alerts.evaluate();
        const firing = haAlerts().filter((a) => a.state === 'firing');
        return firing.length > 0 && firing;
      },
      60_000,
      500,
    );
    expect(alert).toMatchObject({ severity: 'critical', subject: `ha:${PAIR}@${PRIMARY}`, resolvedAt: null });
    // Worded by how far Kea got when the hold ran out: partner unavailable, interrupted, partner-down.
    expect(alert?.message).toMatch(
      /^HA pair kea-primary \+ kea-standby partner-down: kea-primary \(r-0561\) (reports kea-standby unavailable|lost communication with kea-standby|is in partner-down state)/,
    );
  }, 120_000);

  it('the standby started again: the pair is healthy and the alert resolved', async () => {
    await (keas[STANDBY] as KeaServer).restart();
    await waitFor('the pair healthy again', async () => (await pair())?.verdict === 'healthy', 90_000, 250);
    const [resolved] = await waitFor(
      'the alert resolved',
      () => {
        session?.alerts.evaluate();
        const done = haAlerts().filter((a) => a.state === 'resolved');
        return done.length > 0 && done;
      },
      60_000,
      500,
    );
    expect(resolved?.resolvedAt).toEqual(expect.any(Number));
    expect(haAlerts().filter((a) => a.state !== 'resolved')).toEqual([]);
  }, 150_000);
});
