import { describe, expect, it } from 'vitest';
import { HaStatus } from '../../src-shared/protocol';
import { pairHaSides } from '../../src-shared/ha/judge-pair';
import { faultsFor, parseFaults } from './faults';
import { SimulatedHaPair, simulatedHaPairs } from './simulated-ha';

/** Both sides as the console would pair and judge them at `now`. */
function judged(pair: SimulatedHaPair, now: number) {
  const sides = ([0, 1] as const).map((side) => {
    const status = HaStatus.parse(pair.status(side, now));
    return {
      remoteId: pair.remoteIds[side],
      reportedAt: now,
      stale: false,
      ...(status.kind === 'reported'
        ? { relationship: status.relationships[0] }
        : // The console keeps the last relationship of a side that turned unreadable.
          {
            relationship: (pair.status(side, 0) as Extract<HaStatus, { kind: 'reported' }>).relationships[0],
            unreadable: status.reason,
          }),
    };
  });
  const [p] = pairHaSides(sides);
  return p;
}

describe('simulated Kea HA pairs', () => {
  it('pairs the DHCP remotes two by two, the odd one out alone', () => {
    expect(simulatedHaPairs(['r-0002', 'r-0003', 'r-0005']).map((p) => p.remoteIds)).toEqual([
      ['r-0002', 'r-0003'],
    ]);
  });

  it('runs healthy, goes partner-down when a side is made down, syncs and is healthy again when it is back', () => {
    const pair = new SimulatedHaPair(['r-0002', 'r-0003']);
    pair.markDown(1, 10_000, 20_000);
    expect(judged(pair, 5_000)).toMatchObject({ name: 'kea-r-0002 + kea-r-0003', verdict: 'healthy' });
    // Heartbeats failing, not yet partner-down: communication interrupted is already a partner down.
    expect(judged(pair, 11_000)).toMatchObject({ verdict: 'partner-down', remoteId: 'r-0003' });
    const down = judged(pair, 20_000);
    expect(down?.verdict).toBe('partner-down');
    expect(down?.sides[0]?.relationship?.server).toMatchObject({
      state: 'partner-down',
      scopes: ['kea-r-0002'],
    });
    expect(down?.sides[1]?.unreadable).toMatch(/simulated: kea-r-0003 is down/);
    expect(judged(pair, 31_000)?.verdict).toBe('transition');
    expect(judged(pair, 40_000)?.verdict).toBe('healthy');
  });

  it('parses the ha-down fault for one remote', () => {
    const spec = parseFaults('r-0003:ha-down=10000/0');
    expect(faultsFor(spec, 'r-0003').haDown).toEqual({ afterMs: 10_000, forMs: 0 });
    expect(faultsFor(spec, 'r-0002').haDown).toBeUndefined();
    expect(() => parseFaults('ha-down=soon/1')).toThrow(/"soon" is not a number of milliseconds/);
  });
});
