/**
 * Drift on real servers (docs/inventory.md), as an administrator meets it: a zone and a scope pushed to
 * the lab's real remotes, then changed behind the console's back — a zone file edited by hand and
 * reloaded with rndc on one named, a subnet changed through one Kea's own control socket. The agent
 * notices (inotify, Kea's config poll), the console shows the remote drifted with both hashes and raises
 * an event, `smt drift --json` exits 1 naming it; `smt reconcile … --wait` puts the intended content back
 * as a new version, dig and Kea's config-get show it served, and drift is empty again. What the servers
 * serve is read outside the agents; the ledgers show each reconcile applied once, where it was sent.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { type ProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor } from '../../src-node/smt/testing/wait';
import type { DhcpScope } from '../../src-shared/config/scope';
import type { SyncState } from '../../src-shared/ipc/inventory-views';
import { startRealSessionBed, type RealSessionBed } from '../helpers/real-session-bed';
import { ledgerFileLines } from '../helpers/push-console';

const exec = promisify(execFile);

const ZONE = 'drift.test';
const ZONE_KEY = `zone:${ZONE}`;
const zoneText = (serial: number, address: string) =>
  `$TTL 300\n@ IN SOA ns1.${ZONE}. admin.${ZONE}. ${serial} 3600 600 86400 300\n` +
  `@ IN NS ns1.${ZONE}.\nns1 IN A 192.0.2.53\nwww IN A ${address}\n`;
const scope: DhcpScope = {
  subnet: '203.0.113.0/24',
  id: 21,
  pools: [{ start: '203.0.113.100', end: '203.0.113.150' }],
  options: [{ name: 'routers', data: '203.0.113.1' }],
  reservations: [],
};
const SCOPE_KEY = `scope:${scope.subnet}`;
const DNS = ['real-01', 'real-03', 'real-04'];
const DHCP = ['real-02', 'real-03', 'real-05'];

let bed: RealSessionBed | undefined;

const s = () => (bed as RealSessionBed).session;
const remote = (id: string) => (bed as RealSessionBed).remote(id);
const smt = (...args: string[]) => (bed as RealSessionBed).smt(...args);

/** Each remote's state for an object in the console's view. */
const states = (key: string): Record<string, SyncState> =>
  Object.fromEntries(
    s()
      .inventory.object(key)
      ?.remotes.map((r) => [r.remoteId, r.state]) ?? [],
  );

const awaitStates = (key: string, want: Record<string, SyncState>, what: string) =>
  waitFor(
    what,
    () => {
      const now = states(key);
      return Object.entries(want).every(([id, st]) => now[id] === st);
    },
    // The agents notice within a minute (inotify, a 500 ms Kea poll here); the console at once.
    60_000,
    100,
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; states now: ${JSON.stringify(states(key))}`);
  });

async function dig(id: string, name: string, type: 'A' | 'SOA'): Promise<string[]> {
  const p = String(remote(id).bind?.port);
  const { stdout } = await exec('dig', ['@127.0.0.1', '-p', p, '+short', '+time=2', '+tries=1', name, type]);
  return stdout.split('\n').filter(Boolean);
}
const servedSerial = async (id: string) => Number((await dig(id, ZONE, 'SOA'))[0]?.split(' ')[2]);

async function keaSubnet(id: string): Promise<Record<string, unknown> | undefined> {
  const answer = await keaCommand(remote(id).kea?.socketPath ?? '', 'config-get', undefined, 5000);
  const subnets = (answer.arguments as { Dhcp4: { subnet4: Record<string, unknown>[] } }).Dhcp4.subnet4;
  return subnets.find((x) => x.subnet === scope.subnet);
}

/** Pushes through the session's engine and waits until every target applied. */
async function pushAndApply(req: Parameters<ProfileSession['push']['engine']['push']>[0], n: number) {
  const { push } = s().push.engine.push(req);
  await waitFor(
    `push ${push.id} applied on ${n}`,
    () => s().push.engine.progress(push.id).summary.counts.applied === n,
    60_000,
    100,
  );
  return push;
}

/** The ledger lines of one agent for one version of an object. */
async function ledgerOf(id: string, objectKey: string, version: number) {
  const lines = await ledgerFileLines(join(remote(id).dir, 'state'));
  return lines.filter((l) => l.object === objectKey && l.version === version);
}

interface DriftJson {
  driftedRemotes: string[];
  drift: {
    key: string;
    remoteId: string;
    state: string;
    intendedSha256: string | null;
    servedSha256: string | null;
    serial: number | null;
  }[];
}

beforeAll(async () => {
  bed = await startRealSessionBed('smt-real-drift-', 5, { keaChangePollMs: 500 });
}, 240_000);

afterAll(async () => {
  const { alive } = (await bed?.stop()) ?? { alive: [] };
  expect(alive).toEqual([]);
}, 60_000);

describe('drift on real servers', () => {
  it('a zone edited by hand and reloaded on one named is drifted, then reconciled', async () => {
    await pushAndApply(
      {
        object: { kind: 'zone', name: ZONE },
        payload: { format: 'zone-text', text: zoneText(10, '192.0.2.10') },
        selector: { kind: 'ids', ids: DNS },
        author: 'drift test',
      },
      DNS.length,
    );
    await awaitStates(
      ZONE_KEY,
      { 'real-01': 'in-sync', 'real-03': 'in-sync', 'real-04': 'in-sync' },
      'in sync',
    );
    const intended = s().inventory.object(ZONE_KEY)?.intended?.sha256;

    // An administrator on real-04 edits the zone file and reloads it, as one does on a BIND server.
    const bind = remote('real-04').bind;
    const file = join(bind?.zoneDir ?? '', `${ZONE}.zone`);
    const edited = zoneText(50, '192.0.2.99');
    expect(await readFile(file, 'utf8')).toBe(zoneText(10, '192.0.2.10'));
    await writeFile(file, edited);
    await exec('rndc', ['-c', bind?.rndcConf ?? '', 'reload', ZONE]);
    expect(await dig('real-04', `www.${ZONE}`, 'A')).toEqual(['192.0.2.99']);

    await awaitStates(ZONE_KEY, { 'real-01': 'in-sync', 'real-04': 'drifted' }, 'real-04 drifted');
    const row = s()
      .inventory.object(ZONE_KEY)
      ?.remotes.find((r) => r.remoteId === 'real-04');
    expect(row).toMatchObject({ serial: 50, servedVersion: 1 });
    expect(row?.servedSha256).not.toBe(intended);
    // The console raised it as an event of the remote.
    await waitFor(
      'the drift event',
      () =>
        s()
          .events.store.recentOf('real-04', 20)
          .events.some((e) => e.code === 'drift'),
      10_000,
    );

    // The CLI, another process on the same database, asks the remotes itself and fails on drift.
    const drift = await smt('drift', '--json');
    expect(drift.code, drift.stderr).toBe(1);
    const report = JSON.parse(drift.stdout) as DriftJson;
    expect(report.driftedRemotes).toEqual(['real-04']);
    expect(report.drift).toEqual([
      expect.objectContaining({
        key: ZONE_KEY,
        remoteId: 'real-04',
        state: 'drifted',
        intendedSha256: intended,
        servedSha256: row?.servedSha256,
        serial: 50,
      }),
    ]);

    // Reconcile: the intended content as version 2, its serial raised past the hand edit's 50, to real-04 only.
    const reconcile = await smt('reconcile', ZONE, '--wait');
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(reconcile.stderr).toMatch(/reconcile zone drift\.test .*1 remote/);
    expect(await servedSerial('real-04')).toBe(51);
    expect(await dig('real-04', `www.${ZONE}`, 'A')).toEqual(['192.0.2.10']);
    // The others were not sent anything: they keep version 1, serial 10.
    for (const id of ['real-01', 'real-03']) expect(await servedSerial(id), id).toBe(10);
    // Exactly once: real-04's ledger applied version 2 once; no other ledger has it.
    expect((await ledgerOf('real-04', ZONE_KEY, 2)).map((l) => l.state)).toEqual(['applied']);
    for (const id of ['real-01', 'real-03']) expect(await ledgerOf(id, ZONE_KEY, 2), id).toEqual([]);

    // Drift is empty again: real-04 serves version 2; real-01 and real-03 serve version 1, the same content
    // under an earlier serial, which is in sync (docs/inventory.md).
    await awaitStates(
      ZONE_KEY,
      { 'real-01': 'in-sync', 'real-03': 'in-sync', 'real-04': 'in-sync' },
      'in sync',
    );
    const after = await smt('drift', '--json');
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as DriftJson).drift).toEqual([]);
    await waitFor(
      'the drift resolved as an event',
      () =>
        s()
          .events.store.recentOf('real-04', 20)
          .events.some((e) => e.code === 'drift-resolved'),
      10_000,
    );
  }, 180_000);

  it('a subnet changed through one Kea’s own control socket is drifted, then reconciled', async () => {
    await pushAndApply(
      {
        object: { kind: 'scope', subnet: scope.subnet },
        payload: { format: 'kea-subnet4', scope },
        selector: { kind: 'ids', ids: DHCP },
        author: 'drift test',
      },
      DHCP.length,
    );
    await awaitStates(
      SCOPE_KEY,
      { 'real-02': 'in-sync', 'real-03': 'in-sync', 'real-05': 'in-sync' },
      'in sync',
    );

    // Someone widens the pool on real-05 with Kea's own API: config-get, change, config-set.
    const socket = remote('real-05').kea?.socketPath ?? '';
    const got = await keaCommand(socket, 'config-get', undefined, 5000);
    const config = got.arguments as { Dhcp4: { subnet4: Record<string, unknown>[] } };
    const subnet = config.Dhcp4.subnet4.find((x) => x.subnet === scope.subnet) as Record<string, unknown>;
    subnet.pools = [{ pool: '203.0.113.100-203.0.113.200' }];
    delete (config as Record<string, unknown>).hash;
    const set = await keaCommand(socket, 'config-set', config, 5000);
    expect(set.result, set.text).toBe(0);

    await awaitStates(SCOPE_KEY, { 'real-02': 'in-sync', 'real-05': 'drifted' }, 'real-05 drifted');
    const drift = await smt('drift', '--json');
    expect(drift.code, drift.stderr).toBe(1);
    expect((JSON.parse(drift.stdout) as DriftJson).drift.map((d) => [d.key, d.remoteId, d.state])).toEqual([
      [SCOPE_KEY, 'real-05', 'drifted'],
    ]);

    const reconcile = await smt('reconcile', scope.subnet, '--wait');
    expect(reconcile.code, reconcile.stderr).toBe(0);
    // Seen on Kea's own socket: the pool as pushed again.
    expect(await keaSubnet('real-05')).toMatchObject({
      pools: [expect.objectContaining({ pool: '203.0.113.100-203.0.113.150' })],
    });
    await awaitStates(
      SCOPE_KEY,
      { 'real-02': 'in-sync', 'real-03': 'in-sync', 'real-05': 'in-sync' },
      'in sync',
    );
    const after = await smt('drift', '--json');
    expect(after.code, after.stderr).toBe(0);
    // Exactly once: version 2 applied on real-05 alone.
    expect((await ledgerOf('real-05', SCOPE_KEY, 2)).map((l) => l.state)).toEqual(['applied']);
    for (const id of ['real-02', 'real-03']) expect(await ledgerOf(id, SCOPE_KEY, 2), id).toEqual([]);
  }, 180_000);
});
