import { describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { canonicalJson, keaSubnetOf, subnetMatches } from './kea';

const scope = DhcpScope.parse({
  subnet: '10.1.0.0/24',
  id: 7,
  pools: [{ start: '10.1.0.100', end: '10.1.0.199' }],
  options: [{ name: 'routers', data: '10.1.0.1' }],
  reservations: [{ hwAddress: '52:54:00:AA:BB:CC', ipAddress: '10.1.0.5' }],
});

describe('Kea subnet mapping', () => {
  it("maps a scope to Kea's subnet4 keys", () => {
    expect(keaSubnetOf(scope)).toEqual({
      id: 7,
      subnet: '10.1.0.0/24',
      pools: [{ pool: '10.1.0.100-10.1.0.199' }],
      'option-data': [{ name: 'routers', data: '10.1.0.1' }],
      reservations: [{ 'hw-address': '52:54:00:aa:bb:cc', 'ip-address': '10.1.0.5' }],
    });
  });

  it('matches the subnet as Kea reports it, defaults and spacing aside', () => {
    const reported = {
      ...keaSubnetOf(scope),
      pools: [{ pool: '10.1.0.100 - 10.1.0.199', 'option-data': [] }],
      'option-data': [{ name: 'routers', data: '10.1.0.1', code: 3, space: 'dhcp4' }],
      'valid-lifetime': 7200,
      relay: { 'ip-addresses': [] },
    };
    expect(subnetMatches(scope, reported)).toBe(true);
    expect(subnetMatches(scope, { ...reported, 'option-data': [] })).toBe(false);
    expect(subnetMatches({ ...scope, validLifetimeS: 3600 }, reported)).toBe(false);
  });

  it('hashes equal configs equally whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
