import { describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { fillingScope, simulatedSubnetUsage } from './simulated-pools';

const scope = (subnet: string, id: number, start: string, end: string) =>
  DhcpScope.parse({ subnet, id, pools: [{ start, end }], options: [], reservations: [] });

const a = scope('10.1.0.0/24', 1, '10.1.0.10', '10.1.0.109');
const b = scope('10.0.0.0/24', 2, '10.0.0.10', '10.0.0.59');
const HOUR = 3_600_000;

describe('simulated pool usage', () => {
  it('fills the first scope by prefix', () => {
    expect(fillingScope([a, b])).toBe('10.0.0.0/24');
    expect(fillingScope([])).toBeUndefined();
  });

  it('a steady scope stays within its pool and near its level', () => {
    const at0 = simulatedSubnetUsage(a, 0, false);
    expect(at0).toMatchObject({ id: 1, subnet: '10.1.0.0/24', total: 100 });
    for (const t of [HOUR, 5 * HOUR, 24 * HOUR]) {
      const u = simulatedSubnetUsage(a, t, false);
      expect(u.assigned).toBeGreaterThanOrEqual(0);
      expect(u.assigned).toBeLessThanOrEqual(u.total);
      expect(Math.abs(u.assigned - at0.assigned)).toBeLessThanOrEqual(7);
    }
  });

  it('the filling scope climbs to full and stays there', () => {
    const start = simulatedSubnetUsage(b, 0, true).assigned;
    const later = simulatedSubnetUsage(b, HOUR, true).assigned;
    expect(later).toBeGreaterThan(start);
    expect(simulatedSubnetUsage(b, 7 * HOUR, true)).toMatchObject({ total: 50, assigned: 50 });
  });
});
