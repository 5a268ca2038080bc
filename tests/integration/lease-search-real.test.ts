/**
 * Lease search on real leases (docs/dhcp.md, "Lease search"): DHCP clients (busybox udhcpc) in a network
 * namespace this test makes take leases from a real kea-dhcp4 serving the host end of a veth pair; a
 * second real remote runs a Kea with no clients. `smt leases find` asks both through the lab's brokers
 * and finds each client's lease by IP, MAC and hostname on the remote that holds it, with its subnet,
 * state and expiry; a malformed MAC is refused with what is wrong, before anything is opened or sent.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labConsolePassphrase } from '../../lab/lab';
import { startKea, type KeaServer } from '../../lab/real-servers';
import { AgentProcesses, writeLabAgentConfig } from '../helpers/agent-process';
import { DhcpNetns } from '../helpers/dhcp-netns';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { runSmt } from '../helpers/smt-cli';

const WITH_CLIENTS = 'r-0521';
const WITHOUT = 'r-0522';
const SUBNET = '10.213.7.0/24';
const clients = [
  { mac: '52:54:00:5e:a5:01', hostname: 'lease-client-a', ip: '' },
  { mac: '52:54:00:5e:a5:02', hostname: 'lease-client-b', ip: '' },
];

const unavailable = await DhcpNetns.unavailable();
let lab: LabFixture | undefined;
let net: DhcpNetns | undefined;
const keas: KeaServer[] = [];
const agents = new AgentProcesses();
let dir = '';
let passphrase = '';

const smt = (...args: string[]) =>
  runSmt({ lab: lab?.opts, db: join(dir, 'console.db'), passphrase }, ...args);

interface Found {
  by: string;
  value: string;
  results: Record<string, unknown>[];
  asked: string[];
  failed: unknown[];
}
async function find(value: string): Promise<Found> {
  const r = await smt('leases', 'find', value, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Found;
}

describe('lease search on real leases', () => {
  beforeAll(async () => {
    // Not skipped: a machine without root or busybox cannot prove lease search, and says why
    // (scripts/bootstrap.mjs installs busybox; CI runs as root).
    if (unavailable !== undefined) throw new Error(`real DHCP clients cannot run here: ${unavailable}`);
    lab = await startLab();
    dir = await mkdtemp(join(tmpdir(), 'smt-lease-search-'));
    passphrase = await labConsolePassphrase(lab.opts);
    net = await DhcpNetns.create('10.213.7.1/24');
    // Kea opens its raw socket on the interface at start: the veth pair exists before it.
    const serving = await startKea({
      interfaces: [net.hostIf],
      subnet4: [
        { id: 71, subnet: SUBNET, interface: net.hostIf, pools: [{ pool: '10.213.7.100-10.213.7.150' }] },
      ],
    });
    keas.push(serving, await startKea());
    for (const [rid, kea] of [
      [WITH_CLIENTS, serving],
      [WITHOUT, keas[1]],
    ] as const) {
      await mkdir(join(dir, rid));
      const file = await writeLabAgentConfig(lab.opts, rid, join(dir, rid), {
        presenceIntervalMs: 1000,
        kea: (kea as KeaServer).settings,
      });
      await agents.start(['run', '--config', file], { direct: false }).connectedToPrimary(rid);
    }
    for (const c of clients) c.ip = await net.lease(c);
  });

  afterAll(async () => {
    agents.killAll();
    await Promise.all(keas.map((k) => k.stop()));
    await net?.remove();
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the clients took different addresses from the pool', () => {
    expect(clients.map((c) => c.ip)).toEqual([
      expect.stringMatching(/^10\.213\.7\.(1[0-4]\d|150)$/),
      expect.stringMatching(/^10\.213\.7\.(1[0-4]\d|150)$/),
    ]);
    expect(clients[0]?.ip).not.toBe(clients[1]?.ip);
  });

  it.each(clients.map((c, i) => [i, c.hostname] as const))(
    'finds client %i (%s) by IP, MAC and hostname, on the remote that holds it',
    async (i) => {
      const c = clients[i] as (typeof clients)[number];
      for (const value of [c.ip, c.mac.toUpperCase().replaceAll(':', '-'), c.hostname]) {
        const found = await find(value);
        expect(found.asked.sort(), value).toEqual([WITH_CLIENTS, WITHOUT]);
        expect(found.failed, value).toEqual([]);
        expect(found.results, value).toEqual([
          expect.objectContaining({
            remoteId: WITH_CLIENTS,
            subnet: SUBNET,
            subnetId: 71,
            ipAddress: c.ip,
            hwAddress: c.mac,
            hostname: c.hostname,
            state: 'default',
          }),
        ]);
        const expires = Date.parse(String(found.results[0]?.expiresAt));
        // Kea's default lifetime is 7200 s: the lease runs out in the future, not before the test began.
        expect(expires).toBeGreaterThan(Date.now());
      }
    },
  );

  it('an address nobody leased is found nowhere (exit 1), every remote having answered', async () => {
    const r = await smt('leases', 'find', '10.213.7.200', '--json');
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout) as Found;
    expect({ results: found.results, failed: found.failed }).toEqual({ results: [], failed: [] });
    expect(found.asked.sort()).toEqual([WITH_CLIENTS, WITHOUT]);
  });

  it('a malformed MAC is refused with what is wrong, as a usage error', async () => {
    const r = await smt('leases', 'find', '52:54:00:5e:zz:01');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"52:54:00:5e:zz:01" is not a MAC address: "zz" is not a hex byte/);
    expect(r.stdout).toBe('');
  });
});
