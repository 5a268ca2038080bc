import { describe, expect, it } from 'vitest';
import { DhcpScope, cidrRange } from './scope';

const scope = {
  subnet: '192.0.2.0/24',
  id: 7,
  pools: [{ start: '192.0.2.100', end: '192.0.2.199' }],
  options: [{ name: 'routers', data: '192.0.2.1' }],
  reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '192.0.2.10', hostname: 'printer' }],
};

const messages = (input: unknown) => {
  const r = DhcpScope.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('DhcpScope', () => {
  it('accepts a consistent scope', () => {
    expect(messages(scope)).toEqual([]);
  });
  it.each([
    [
      'a pool outside the subnet',
      { pools: [{ start: '192.0.3.1', end: '192.0.3.9' }] },
      'is outside 192.0.2.0/24',
    ],
    [
      'a pool that ends before it starts',
      { pools: [{ start: '192.0.2.9', end: '192.0.2.1' }] },
      'ends before it starts',
    ],
    [
      'overlapping pools',
      {
        pools: [
          { start: '192.0.2.10', end: '192.0.2.50' },
          { start: '192.0.2.50', end: '192.0.2.60' },
        ],
      },
      'overlaps pool 1',
    ],
    [
      'a reservation outside the subnet',
      { reservations: [{ hwAddress: '52:54:00:12:34:57', ipAddress: '198.51.100.1' }] },
      'is outside',
    ],
    [
      'an address reserved twice',
      {
        reservations: [
          { hwAddress: '52:54:00:12:34:57', ipAddress: '192.0.2.20' },
          { hwAddress: '52:54:00:12:34:58', ipAddress: '192.0.2.20' },
        ],
      },
      'is reserved twice',
    ],
  ])('refuses %s with a message an admin understands', (_name, change, expected) => {
    expect(messages({ ...scope, ...change }).join('\n')).toContain(expected);
  });
});

describe('cidrRange', () => {
  it('normalises the base address to the block', () => {
    expect(cidrRange('10.0.0.77/30')).toEqual([167772236, 167772239]);
  });
});
