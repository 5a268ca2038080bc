/**
 * KeaTarget against a real kea-dhcp4 (no interfaces, private socket and files): a pushed scope shows in
 * config-get and in the written config file, a changed scope replaces it, a broken or overlapping scope
 * is refused with the running config unchanged, and deletes (known and unknown) behave.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import { canonicalJson, KeaTarget } from '../../src-agent/targets/kea';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { startKea, type KeaServer } from '../../lab/real-servers';

let kea: KeaServer | undefined;
let target: KeaTarget;

const scope = (routers: string, poolEnd = '192.0.2.200') =>
  DhcpScope.parse({
    subnet: '192.0.2.0/24',
    id: 10,
    pools: [{ start: '192.0.2.100', end: poolEnd }],
    options: [{ name: 'routers', data: routers }],
    reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '192.0.2.10', hostname: 'printer' }],
    validLifetimeS: 3600,
  });

interface Subnet {
  id: number;
  subnet: string;
  pools: { pool: string }[];
  'option-data': { name: string; data: string }[];
}

async function runningSubnets(): Promise<Subnet[]> {
  const answer = await keaCommand(kea?.socketPath ?? '', 'config-get', undefined, 5000);
  return (answer.arguments as { Dhcp4: { subnet4: Subnet[] } }).Dhcp4.subnet4;
}

async function fileSubnets(): Promise<Subnet[]> {
  const text = await readFile(kea?.configFile ?? '', 'utf8');
  return (JSON.parse(text) as { Dhcp4: { subnet4: Subnet[] } }).Dhcp4.subnet4;
}

beforeAll(async () => {
  kea = await startKea();
  target = new KeaTarget(kea.settings);
});

afterAll(async () => {
  await kea?.stop();
});

describe('KeaTarget on a real kea-dhcp4', () => {
  it('a pushed scope shows in config-get and in the config file', async () => {
    const started = Date.now();
    const outcome = await target.upsertScope(scope('192.0.2.1'));
    console.log(`new scope applied in ${Date.now() - started} ms`);
    expect(outcome).toMatchObject({ ok: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [subnet] = await runningSubnets();
    expect(subnet).toMatchObject({
      id: 10,
      subnet: '192.0.2.0/24',
      pools: [{ pool: '192.0.2.100-192.0.2.200' }],
      'option-data': [{ name: 'routers', data: '192.0.2.1' }],
      reservations: [{ 'hw-address': '52:54:00:12:34:56', 'ip-address': '192.0.2.10', hostname: 'printer' }],
      'valid-lifetime': 3600,
    });
    expect(await fileSubnets()).toMatchObject([{ id: 10, subnet: '192.0.2.0/24' }]);
  });

  it('a changed scope replaces the subnet with the same id', async () => {
    const started = Date.now();
    const outcome = await target.upsertScope(scope('192.0.2.254', '192.0.2.150'));
    console.log(`changed scope applied in ${Date.now() - started} ms`);
    expect(outcome.ok).toBe(true);
    const subnets = await runningSubnets();
    expect(subnets).toHaveLength(1);
    expect(subnets[0]).toMatchObject({
      pools: [{ pool: '192.0.2.100-192.0.2.150' }],
      'option-data': [{ name: 'routers', data: '192.0.2.254' }],
    });
    expect((await fileSubnets())[0]?.pools).toEqual([
      expect.objectContaining({ pool: '192.0.2.100-192.0.2.150' }),
    ]);
  });

  it('reads back the served scope so an unchanged scope renders as pushed (the preview compares it)', async () => {
    const served = await target.servedScope('192.0.2.0/24');
    expect(served && renderScope(served)).toBe(renderScope(scope('192.0.2.254', '192.0.2.150')));
    // Kea's inherited lifetime, its spacing of option data and its defaults must not look like a change.
    const bare = DhcpScope.parse({
      subnet: '198.51.100.0/24',
      id: 20,
      pools: [{ start: '198.51.100.10', end: '198.51.100.20' }],
      options: [{ name: 'domain-name-servers', data: '198.51.100.2, 198.51.100.3' }],
    });
    expect(await target.upsertScope(bare)).toMatchObject({ ok: true });
    const reported = await target.servedScope('198.51.100.0/24');
    expect(reported && renderScope(reported)).toBe(renderScope(bare));
    expect(await target.deleteScope('198.51.100.0/24')).toMatchObject({ ok: true });
    expect(await target.servedScope('198.51.100.0/24')).toBeUndefined();
  });

  it("refuses a broken scope with Kea's own text and leaves the running config unchanged", async () => {
    const before = canonicalJson(await target.runningConfig());
    const outcome = await target.upsertScope(scope('not-an-address'));
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Failed to convert string to address/),
    });
    expect(canonicalJson(await target.runningConfig())).toBe(before);
  });

  it('refuses a scope that overlaps another subnet', async () => {
    const before = canonicalJson(await target.runningConfig());
    const overlapping = DhcpScope.parse({ subnet: '192.0.2.128/25', id: 11, pools: [] });
    expect(await target.upsertScope(overlapping)).toEqual({
      ok: false,
      reason: "scope 192.0.2.128/25 (id 11) overlaps subnet 192.0.2.0/24 (id 10) in Kea's running config",
    });
    expect(canonicalJson(await target.runningConfig())).toBe(before);
  });

  it('lists the leases of a subnet and reports lease counters', async () => {
    expect(await target.leases('192.0.2.0/24')).toEqual([]);
    await expect(target.leases('198.51.100.0/24')).rejects.toThrow(/no subnet 198.51.100.0\/24/);
    expect(await target.usage()).toMatchObject({ leasesActive: 0, leasesAllocated: 0 });
  });

  it('deletes the scope, then an unknown scope delete fails specifically', async () => {
    expect(await target.deleteScope('192.0.2.0/24')).toMatchObject({ ok: true });
    expect(await runningSubnets()).toEqual([]);
    expect(await fileSubnets()).toEqual([]);
    expect(await target.deleteScope('192.0.2.0/24')).toEqual({
      ok: false,
      reason: "no subnet 192.0.2.0/24 in Kea's running config",
    });
  });

  it('reload re-reads the config file', async () => {
    await target.reload();
    expect(await runningSubnets()).toEqual([]);
  });
});
