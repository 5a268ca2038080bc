import { describe, expect, it } from 'vitest';
import type { DhcpTarget, DnsTarget } from '../targets/types';
import { UsageMeter } from './usage';

const dnsWith = (counts: number[]) => {
  let i = 0;
  return { usage: async () => ({ queries: counts[i++] ?? 0 }) } as unknown as DnsTarget;
};

describe('UsageMeter', () => {
  it('turns BIND’s query counter into queries per second and starts again after a restart', async () => {
    const m = new UsageMeter(dnsWith([100, 300, 50, 150]), undefined);
    const none = () => undefined;
    expect(await m.read(0, none)).toBeUndefined();
    expect(await m.read(2000, none)).toEqual({ windowS: 2, dns: { qps: 100, queries: 200 } });
    // The counter went down: named restarted; this reading is only a new base.
    expect(await m.read(4000, none)).toBeUndefined();
    expect(await m.read(5000, none)).toEqual({ windowS: 1, dns: { qps: 100, queries: 100 } });
  });

  it('reports Kea’s lease counters and says which statistics failed', async () => {
    const dhcp = {
      usage: async () => ({ leasesActive: 7, leasesAllocated: 30, declines: 1 }),
    } as unknown as DhcpTarget;
    const broken = {
      usage: async () => Promise.reject(new Error('statistics channel refused')),
    } as unknown as DnsTarget;
    const errors: string[] = [];
    const m = new UsageMeter(broken, dhcp);
    await m.read(0, (what) => errors.push(what));
    expect(await m.read(5000, (what) => errors.push(what))).toEqual({
      windowS: 5,
      dhcp: { leasesActive: 7, leasesAllocated: 30, declines: 1 },
    });
    expect(errors).toEqual(['DNS', 'DNS']);
  });

  it('carries Kea’s per-subnet counters to the usage message as they are', async () => {
    const subnets = [{ id: 10, subnet: '192.0.2.0/24', total: 14, assigned: 3, declined: 1 }];
    const dhcp = {
      usage: async () => ({ leasesActive: 3, leasesAllocated: 0, subnets }),
    } as unknown as DhcpTarget;
    const m = new UsageMeter(undefined, dhcp);
    await m.read(0, () => undefined);
    expect((await m.read(5000, () => undefined))?.dhcp?.subnets).toEqual(subnets);
  });

  it('reports Kea’s HA status even when its lease counters cannot be read (Kea stopped answering)', async () => {
    const ha = { kind: 'unreadable' as const, reason: 'Kea config-get: connect ENOENT' };
    const dhcp = {
      usage: async () => Promise.reject(new Error('connect ENOENT')),
      ha: async () => ha,
    } as unknown as DhcpTarget;
    const m = new UsageMeter(undefined, dhcp);
    await m.read(0, () => undefined);
    expect(await m.read(5000, () => undefined)).toEqual({ windowS: 5, ha });
  });
});
