import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SmtConnection } from '../../src-node/smt';
import { SimulatedHost } from '../simulate/host-model';
import type { DhcpTarget } from '../targets/types';
import type { HostSource } from './host-source';
import { Telemetry } from './telemetry';

afterEach(() => {
  vi.useRealTimers();
});

/** A Telemetry on a connection that only records what is sent, its DHCP usage from a counter. */
function setup() {
  const sent: { type: string; body: Record<string, unknown> }[] = [];
  const conn = {
    state: { kind: 'connected' },
    send: async (_destination: string, _headers: unknown, body: string) => {
      sent.push(JSON.parse(body) as (typeof sent)[number]);
    },
  } as unknown as SmtConnection;
  const model = new SimulatedHost(1, () => 0.5, Date.now());
  const host: HostSource = {
    mode: 'simulated',
    identity: async () => ({
      host: model.hostInfo(),
      capabilities: model.capabilities(),
      tags: model.tags(),
    }),
    sample: async (now) => model.sample(now, 1000),
    uptimeS: async (now) => model.uptimeS(now),
  };
  const lease = { assigned: 1 };
  const dhcp = {
    usage: async () => ({
      leasesActive: lease.assigned,
      leasesAllocated: lease.assigned,
      subnets: [{ id: 1, subnet: '10.0.0.0/24', total: 4, assigned: lease.assigned, declined: 0 }],
    }),
  } as unknown as DhcpTarget;
  const telemetry = new Telemetry({
    id: 'r-0001',
    conn,
    host,
    dhcp,
    statsIntervalMs: 5000,
    presenceIntervalMs: 2000,
    log: () => undefined,
  });
  const usages = () => sent.filter((e) => e.type === 'usage').map((e) => e.body);
  return { telemetry, lease, usages };
}

describe('Telemetry usage', () => {
  it('takes its first usage reading at hello: a lease shows one interval after connect, not two', async () => {
    vi.useFakeTimers();
    const { telemetry, usages } = setup();
    await telemetry.sayHello();
    await vi.advanceTimersByTimeAsync(5000);
    expect(usages()).toEqual([
      expect.objectContaining({ windowS: 5, dhcp: expect.objectContaining({ leasesActive: 1 }) }),
    ]);
    telemetry.stop();
  });

  it('a reconnect adds no usage message to the burst: the next interval reports what changed', async () => {
    vi.useFakeTimers();
    const { telemetry, lease, usages } = setup();
    await telemetry.sayHello();
    await vi.advanceTimersByTimeAsync(5000);
    lease.assigned = 3;
    await telemetry.sayHello();
    await vi.advanceTimersByTimeAsync(0);
    expect(usages()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(usages().map((u) => (u.dhcp as { leasesActive: number }).leasesActive)).toEqual([1, 3]);
    telemetry.stop();
  });
});
