import { describe, expect, it } from 'vitest';
import { DhcpScope } from './scope';
import { renderScope } from './scope-render';

const scope = DhcpScope.parse({
  subnet: '10.1.0.0/16',
  id: 42,
  validLifetimeS: 3600,
  pools: [
    { start: '10.1.100.0', end: '10.1.100.255' },
    { start: '10.1.9.0', end: '10.1.9.255' },
  ],
  options: [
    { name: 'routers', data: '10.1.0.1' },
    { name: 'domain-name-servers', data: '10.1.0.2, 10.1.0.3' },
  ],
  reservations: [
    { hwAddress: '52:54:00:AA:00:02', ipAddress: '10.1.0.20', hostname: 'printer' },
    { hwAddress: '52:54:00:aa:00:01', ipAddress: '10.1.0.3' },
  ],
});

describe('renderScope', () => {
  it('writes one item per line in a fixed order (numeric addresses, names, lower-case MACs)', () => {
    expect(renderScope(scope)).toBe(
      [
        'subnet 10.1.0.0/16',
        'id 42',
        'valid-lifetime 3600',
        'pool 10.1.9.0-10.1.9.255',
        'pool 10.1.100.0-10.1.100.255',
        'option domain-name-servers 10.1.0.2, 10.1.0.3',
        'option routers 10.1.0.1',
        'reservation 10.1.0.3 52:54:00:aa:00:01',
        'reservation 10.1.0.20 52:54:00:aa:00:02 printer',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text whatever order the lists came in', () => {
    const shuffled = DhcpScope.parse({
      ...scope,
      pools: [...scope.pools].reverse(),
      options: [...scope.options].reverse(),
      reservations: [...scope.reservations].reverse(),
    });
    expect(renderScope(shuffled)).toBe(renderScope(scope));
  });

  it('leaves out a lifetime the scope does not set', () => {
    const bare = DhcpScope.parse({ subnet: '192.0.2.0/24', id: 1, pools: [] });
    expect(renderScope(bare)).toBe('subnet 192.0.2.0/24\nid 1\n');
  });
});
