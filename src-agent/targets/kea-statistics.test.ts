import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_USAGE_POOLS, MAX_USAGE_SUBNETS, UsageBody } from '../../src-shared/protocol';
import { subnetUsageOf } from './kea-statistics';

/** A real kea-dhcp4 2.2.0 (Debian 12) answer: subnet 10 with two pools (14 addresses), 3 leases, 1 declined. */
const real = (
  JSON.parse(readFileSync(join(__dirname, 'testing', 'kea-2.2-statistic-get-all.json'), 'utf8')) as {
    arguments: Record<string, unknown>;
  }
).arguments;

const stat = (v: number) => [[v, '2026-12-07 20:27:06.087710']];

describe('subnetUsageOf', () => {
  it("reads Kea 2.2's per-subnet counters and names each subnet from the config", () => {
    const usage = subnetUsageOf(real, [
      { id: 10, subnet: '192.0.2.0/24', pools: ['192.0.2.100-192.0.2.109', '192.0.2.200-192.0.2.203'] },
      { id: 11, subnet: '198.51.100.0/24' },
    ]);
    expect(usage).toEqual([
      { id: 10, subnet: '192.0.2.0/24', total: 14, assigned: 3, declined: 1 },
      { id: 11, subnet: '198.51.100.0/24', total: 10, assigned: 0, declined: 0 },
    ]);
    // What the agent sends validates against the protocol.
    expect(
      UsageBody.safeParse({ windowS: 10, dhcp: { leasesActive: 3, leasesAllocated: 0, subnets: usage } })
        .success,
    ).toBe(true);
  });

  it('reads per-pool counters where Kea keeps them (2.4+), with the pool range from the config', () => {
    const usage = subnetUsageOf(
      {
        'subnet[7].total-addresses': stat(20),
        'subnet[7].assigned-addresses': stat(12),
        'subnet[7].declined-addresses': stat(2),
        'subnet[7].pool[0].total-addresses': stat(10),
        'subnet[7].pool[0].assigned-addresses': stat(10),
        'subnet[7].pool[0].declined-addresses': stat(2),
        'subnet[7].pool[1].total-addresses': stat(10),
        'subnet[7].pool[1].assigned-addresses': stat(2),
      },
      [{ id: 7, subnet: '10.0.0.0/24', pools: ['10.0.0.10 - 10.0.0.19', '10.0.0.0/28'] }],
    );
    expect(usage).toEqual([
      {
        id: 7,
        subnet: '10.0.0.0/24',
        total: 20,
        assigned: 12,
        declined: 2,
        pools: [
          { index: 0, total: 10, assigned: 10, declined: 2, range: '10.0.0.10-10.0.0.19' },
          { index: 1, total: 10, assigned: 2, declined: 0, range: '10.0.0.0/28' },
        ],
      },
    ]);
  });

  it('leaves out a subnet Kea has not counted and ignores malformed samples', () => {
    expect(
      subnetUsageOf({
        'subnet[3].assigned-addresses': stat(4),
        'subnet[4].total-addresses': [['x', 'now']],
        'subnet[5].total-addresses': 'nonsense',
        'subnet[6].total-addresses': stat(-1),
        'subnet[8].total-addresses': stat(8),
      }),
    ).toEqual([{ id: 8, total: 8, assigned: 0, declined: 0 }]);
  });

  it('keeps the fullest subnets when there are more than a message carries', () => {
    const stats: Record<string, unknown> = {};
    for (let id = 1; id <= MAX_USAGE_SUBNETS + 10; id++) {
      stats[`subnet[${id}].total-addresses`] = stat(100);
      stats[`subnet[${id}].assigned-addresses`] = stat(id <= 10 ? 0 : 50);
    }
    const usage = subnetUsageOf(stats);
    expect(usage).toHaveLength(MAX_USAGE_SUBNETS);
    expect(usage.every((s) => s.assigned === 50)).toBe(true);
  });

  it('keeps pool detail within the frame budget, fullest subnets first', () => {
    const stats: Record<string, unknown> = {};
    for (let id = 1; id <= 40; id++) {
      stats[`subnet[${id}].total-addresses`] = stat(6400);
      stats[`subnet[${id}].assigned-addresses`] = stat(id * 100);
      for (let p = 0; p < 64; p++) stats[`subnet[${id}].pool[${p}].total-addresses`] = stat(100);
    }
    const usage = subnetUsageOf(stats);
    const pools = usage.reduce((n, s) => n + (s.pools?.length ?? 0), 0);
    expect(pools).toBeLessThanOrEqual(MAX_USAGE_POOLS);
    expect(usage.find((s) => s.id === 40)?.pools).toHaveLength(64);
    expect(usage.find((s) => s.id === 1)?.pools).toBeUndefined();
    const body = { windowS: 10, dhcp: { leasesActive: 0, leasesAllocated: 0, subnets: usage } };
    expect(UsageBody.safeParse(body).success).toBe(true);
    expect(JSON.stringify(body).length).toBeLessThan(1024 * 1024);
  });
});
