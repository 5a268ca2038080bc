import { describe, expect, it } from 'vitest';
import { SimulatedHost } from './host-model';
import { simulatedIndices } from './simulation';

describe('simulatedIndices', () => {
  it('runs consecutive indices when no service is asked for', () => {
    expect(simulatedIndices(5, 4)).toEqual([5, 6, 7, 8]);
  });

  it.each([
    ['dns', 1, 4, [2, 3, 5, 6]],
    ['dhcp4', 1, 4, [1, 2, 4, 5]],
    ['dns', 3, 3, [3, 5, 6]],
  ] as const)('picks the hosts that serve %s from %i on', (serves, first, remotes, expected) => {
    expect(simulatedIndices(first, remotes, serves)).toEqual(expected);
  });

  it('gives only hosts that announce the service in their hello', () => {
    for (const serves of ['dns', 'dhcp4'] as const) {
      const picked = simulatedIndices(1, 30, serves);
      expect(picked).toHaveLength(30);
      for (const n of picked) expect(new SimulatedHost(n, () => 0.5, 0).capabilities()).toContain(serves);
    }
  });
});
