import { describe, expect, it } from 'vitest';
import { HelloBody, StatsBody } from '../../src-shared/protocol';
import { SimulatedHost } from './host-model';

/** A small deterministic generator so each run sees the same fleet. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const t0 = Date.parse('2025-06-01T12:00:00Z');

describe('SimulatedHost', () => {
  it.each([
    [1, 'dhcp-0001.lab.example', ['dhcp4'], ['kea-dhcp4']],
    [
      2,
      'ddi-0002.lab.example',
      ['dns', 'dhcp4', 'routing'],
      ['named', 'kea-dhcp4', 'zebra', 'bgpd', 'ospfd'],
    ],
    [3, 'dns-0003.lab.example', ['dns'], ['named']],
    [6, 'dns-0006.lab.example', ['dns', 'routing'], ['named', 'zebra', 'bgpd', 'ospfd']],
  ])('remote %i is %s with %j running %j', (index, hostname, caps, services) => {
    const h = new SimulatedHost(index, seeded(index), t0);
    expect(h.hostInfo().hostname).toBe(hostname);
    expect(h.capabilities()).toEqual(caps);
    expect(h.sample(t0, 0).processes.map((p) => p.name)).toEqual(services);
  });

  it('says hello and reports stats that pass the protocol schemas, over hours of samples', () => {
    const h = new SimulatedHost(7, seeded(7), t0);
    expect(() =>
      HelloBody.parse({
        agent: { version: '0.1.0', mode: 'simulated' },
        host: h.hostInfo(),
        capabilities: h.capabilities(),
        tags: h.tags(),
        statsIntervalMs: 5000,
        presenceIntervalMs: 2000,
      }),
    ).not.toThrow();
    let previousUptime = 0;
    for (let i = 0; i < 5000; i++) {
      const s = h.sample(t0 + i * 5000, 5000);
      StatsBody.parse({ seq: i, ...s });
      expect(s.uptimeS).toBeGreaterThanOrEqual(previousUptime);
      expect(s.mem.usedBytes).toBeLessThanOrEqual(s.mem.totalBytes);
      previousUptime = s.uptimeS;
    }
  });

  it('restarts a service: new pid, uptime from zero, the host keeps its uptime', () => {
    const h = new SimulatedHost(3, seeded(3), t0);
    const before = h.sample(t0, 0).processes[0];
    h.restart('named', t0 + 60_000);
    const after = h.sample(t0 + 90_000, 90_000);
    expect(after.processes[0]?.pid).not.toBe(before?.pid);
    expect(after.processes[0]?.uptimeS).toBe(30);
    expect(after.uptimeS).toBeGreaterThan(86_400);
  });
});
