import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FoundLeases, type LeaseFindQuery } from '../../src-shared/protocol/lease-find';
import { LEASE_CMDS_MISSING, foundLeasesOf, keaLeaseCommand } from './kea-lease-find';
import { findSimulatedLeases, simulatedLeases } from './simulated-leases';
import { KeaTarget } from './kea';
import { fakeKea, type FakeKea } from './testing/fake-kea';

const keaLease = {
  'ip-address': '192.0.2.10',
  'hw-address': '52:54:00:ab:cd:01',
  'client-id': '01:52:54:00:ab:cd:01',
  hostname: 'web-01',
  'subnet-id': 7,
  cltt: 1_800_000_000,
  'valid-lft': 3600,
  state: 1,
  'fqdn-fwd': false,
};
const subnets = (id: number) => (id === 7 ? '192.0.2.0/24' : undefined);
const byIp: LeaseFindQuery = { query: 'lease-find', by: 'ip', value: '192.0.2.10' };
const byMac: LeaseFindQuery = { query: 'lease-find', by: 'mac', value: '52:54:00:ab:cd:01' };

describe('Kea lease search', () => {
  it('names the lease_cmds command and argument for each kind of search', () => {
    expect(keaLeaseCommand(byIp)).toEqual({ command: 'lease4-get', args: { 'ip-address': '192.0.2.10' } });
    expect(keaLeaseCommand(byMac).command).toBe('lease4-get-by-hw-address');
    expect(keaLeaseCommand({ query: 'lease-find', by: 'client-id', value: '01:02' }).args).toEqual({
      'client-id': '01:02',
    });
    expect(keaLeaseCommand({ query: 'lease-find', by: 'hostname', value: 'a' }).command).toBe(
      'lease4-get-by-hostname',
    );
  });

  it('reads lease4-get (one lease as the arguments) and the by-* lists into FoundLeases', () => {
    const one = foundLeasesOf(byIp, { result: 0, arguments: keaLease }, subnets);
    expect(one).toEqual({
      leases: [
        {
          ipAddress: '192.0.2.10',
          hwAddress: '52:54:00:ab:cd:01',
          clientId: '01:52:54:00:ab:cd:01',
          hostname: 'web-01',
          subnet: '192.0.2.0/24',
          subnetId: 7,
          state: 'declined',
          expiresAt: 1_800_003_600_000,
        },
      ],
      truncated: false,
    });
    expect(FoundLeases.safeParse(one).success).toBe(true);
    const gone = { ...keaLease, 'subnet-id': 9, hostname: '', 'client-id': undefined };
    const list = foundLeasesOf(
      byMac,
      { result: 0, arguments: { leases: [keaLease, gone], count: 2 } },
      subnets,
    );
    expect(list.leases.map((l) => [l.subnet, l.subnetId, l.hostname, l.clientId])).toEqual([
      ['192.0.2.0/24', 7, 'web-01', '01:52:54:00:ab:cd:01'],
      [null, 9, null, null],
    ]);
  });

  it('takes "empty" as no lease, and says which hook is missing when Kea does not know the command', () => {
    expect(foundLeasesOf(byMac, { result: 3, text: '0 IPv4 lease(s) found.' }, subnets)).toEqual({
      leases: [],
      truncated: false,
    });
    expect(() =>
      foundLeasesOf(byIp, { result: 2, text: "'lease4-get' command not supported." }, subnets),
    ).toThrow(LEASE_CMDS_MISSING);
    expect(() => foundLeasesOf(byIp, { result: 1, text: 'bad' }, subnets)).toThrow('Kea lease4-get: bad');
    expect(() => foundLeasesOf(byIp, { result: 0, arguments: { 'ip-address': 5 } }, subnets)).toThrow(
      'answered a lease this agent cannot read',
    );
  });
});

describe('simulated leases', () => {
  const scope = {
    subnet: '10.1.2.0/24',
    id: 12,
    pools: [{ start: '10.1.2.100', end: '10.1.2.200' }],
    options: [],
    reservations: [{ hwAddress: '52:54:00:00:00:09', ipAddress: '10.1.2.9', hostname: 'printer' }],
  };
  const leases = simulatedLeases([scope], 1_000);

  it('holds a lease per reservation and the first addresses of each pool, searchable every way', () => {
    expect(leases.map((l) => l.ipAddress)).toEqual(['10.1.2.9', '10.1.2.100', '10.1.2.101', '10.1.2.102']);
    expect(FoundLeases.safeParse({ leases, truncated: false }).success).toBe(true);
    const find = (by: LeaseFindQuery['by'], value: string) =>
      findSimulatedLeases(leases, { query: 'lease-find', by, value } as LeaseFindQuery).leases.map(
        (l) => l.ipAddress,
      );
    expect(find('hostname', 'printer')).toEqual(['10.1.2.9']);
    expect(find('mac', '02:00:0a:01:02:65')).toEqual(['10.1.2.101']);
    expect(find('client-id', '01:02:00:0a:01:02:66')).toEqual(['10.1.2.102']);
    expect(find('hostname', 'sim-2-100')).toEqual(['10.1.2.100']);
    expect(find('ip', '10.1.2.150')).toEqual([]);
  });
});

describe('KeaTarget.findLeases', () => {
  let kea: FakeKea | undefined;
  afterEach(async () => kea?.stop());

  const serve = async (leaseAnswer: unknown) => {
    const commands: unknown[] = [];
    kea = await fakeKea((request, reply) => {
      const r = JSON.parse(request) as { command: string; arguments?: unknown };
      commands.push(r);
      if (r.command === 'config-get') {
        return reply(
          JSON.stringify({
            result: 0,
            arguments: { Dhcp4: { subnet4: [{ id: 7, subnet: '192.0.2.0/24' }] } },
          }),
        );
      }
      return reply(JSON.stringify(leaseAnswer));
    });
    return {
      target: new KeaTarget({ controlSocket: kea.path, configFile: join(kea.dir, 'kea.json') }),
      commands,
    };
  };

  it('sends the by-hostname command over the control socket and names the subnet from the running config', async () => {
    const { target, commands } = await serve({ result: 0, arguments: { leases: [keaLease], count: 1 } });
    const found = await target.findLeases({ query: 'lease-find', by: 'hostname', value: 'web-01' });
    expect(commands[0]).toEqual({
      command: 'lease4-get-by-hostname',
      arguments: { hostname: 'web-01' },
    });
    expect(found.leases.map((l) => [l.ipAddress, l.subnet])).toEqual([['192.0.2.10', '192.0.2.0/24']]);
  });

  it('a Kea without lease_cmds is an error that says which hook to load', async () => {
    const { target } = await serve({ result: 2, text: "'lease4-get' command not supported." });
    await expect(target.findLeases(byIp)).rejects.toThrow(LEASE_CMDS_MISSING);
  });
});
