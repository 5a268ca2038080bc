import { describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import { canonicalJson, keaSubnetOf, scopeOfKeaSubnet, subnetMatches } from './kea';

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

  it('reads a reported subnet back onto the scope model, so an unchanged scope renders the same', () => {
    const reported = {
      ...keaSubnetOf(scope),
      pools: [{ pool: '10.1.0.100 - 10.1.0.199', 'option-data': [] }],
      'option-data': [{ name: 'routers', data: '10.1.0.1', code: 3, space: 'dhcp4', 'always-send': false }],
      reservations: [
        { 'hw-address': '52:54:00:aa:bb:cc', 'ip-address': '10.1.0.5', hostname: '', 'client-classes': [] },
        { 'client-id': '01:02', 'ip-address': '10.1.0.6' },
      ],
      'valid-lifetime': 7200,
    };
    expect(renderScope(scopeOfKeaSubnet(reported, 7200))).toBe(renderScope(scope));
    // A lifetime of its own (not the global one) is the scope's.
    expect(scopeOfKeaSubnet(reported, 4000).validLifetimeS).toBe(7200);
  });

  it('reads a prefix pool as its first and last address', () => {
    const reported = { id: 1, subnet: '10.2.0.0/24', pools: [{ pool: '10.2.0.128/25' }] };
    expect(scopeOfKeaSubnet(reported, undefined).pools).toEqual([{ start: '10.2.0.128', end: '10.2.0.255' }]);
  });
});
