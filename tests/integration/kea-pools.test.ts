/**
 * DHCP pool utilisation from a real kea-dhcp4 (no interfaces, private socket and files): leases made with
 * Kea's own lease4-add (lease_cmds hook), one of them declined, are counted by the agent's usage reading
 * exactly as Kea's statistic-get reports them, and the console's pool view shows the same utilisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { makeEnvelope } from '../../src-shared/protocol';
import { KeaTarget } from '../../src-agent/targets/kea';
import { KEA_SUCCESS, keaCommand } from '../../src-agent/targets/kea-control';
import { PoolTracker } from '../../src-main/core/pools/pool-tracker';
import { startKea, type KeaServer } from '../../lab/real-servers';
import { keaStatistic as keaStatisticOn } from '../helpers/kea-statistic';

let kea: KeaServer | undefined;
let target: KeaTarget;

const scope = DhcpScope.parse({
  subnet: '192.0.2.0/24',
  id: 10,
  pools: [
    { start: '192.0.2.100', end: '192.0.2.109' },
    { start: '192.0.2.200', end: '192.0.2.203' },
  ],
  options: [],
  reservations: [],
});

const command = (name: string, args?: unknown) => keaCommand(kea?.socketPath ?? '', name, args, 5000);

const keaStatistic = (name: string) => keaStatisticOn(kea?.socketPath ?? '', name);

beforeAll(async () => {
  kea = await startKea();
  target = new KeaTarget(kea.settings);
  const outcome = await target.upsertScope(scope);
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
});

afterAll(async () => {
  await kea?.stop();
});

describe('DHCP pools on a real kea-dhcp4', () => {
  it("utilisation matches Kea's own statistic-get", async () => {
    const leases = ['192.0.2.100', '192.0.2.101', '192.0.2.102', '192.0.2.200', '192.0.2.203'];
    for (const [i, ip] of leases.entries()) {
      const answer = await command('lease4-add', {
        'ip-address': ip,
        'hw-address': `52:54:00:00:00:0${i}`,
        // state 1: declined (Kea counts it as assigned and declined)
        ...(i === 4 ? { state: 1 } : {}),
      });
      expect(answer.result, answer.text).toBe(KEA_SUCCESS);
    }
    const total = await keaStatistic('subnet[10].total-addresses');
    const assigned = await keaStatistic('subnet[10].assigned-addresses');
    const declined = await keaStatistic('subnet[10].declined-addresses');
    expect([total, assigned, declined]).toEqual([14, 5, 1]);

    const usage = await target.usage();
    expect(usage.subnets).toEqual([{ id: 10, subnet: '192.0.2.0/24', total, assigned, declined }]);

    const tracker = new PoolTracker({
      record: () => undefined,
      query: (q) => ({ ...q, stepMs: 1, from: 0, to: 0, t: [], avg: [], min: [], max: [] }),
    });
    tracker.take(
      makeEnvelope('usage', 'kea-1', {
        windowS: 10,
        dhcp: {
          leasesActive: usage.leasesActive,
          leasesAllocated: usage.leasesAllocated,
          subnets: usage.subnets,
        },
      }),
    );
    const [row] = tracker.list().pools;
    expect(row).toMatchObject({ remoteId: 'kea-1', subnet: '192.0.2.0/24', total, assigned, declined });
    expect(row?.utilisationPct).toBeCloseTo((100 * assigned) / total);
  });
});
