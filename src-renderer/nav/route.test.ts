import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route';

describe('routes', () => {
  it.each<[string, Route]>([
    ['', { screen: 'fleet' }],
    ['#/fleet', { screen: 'fleet' }],
    ['#/remote/r-0001', { screen: 'remote', remoteId: 'r-0001' }],
    ['#remote/r-0001', { screen: 'remote', remoteId: 'r-0001' }],
    ['#/remote/', { screen: 'fleet' }],
    ['#/remote/has%20space', { screen: 'fleet' }],
    ['#/remote/Upper.Case', { screen: 'fleet' }],
    ['#/remote/r-1/extra', { screen: 'fleet' }],
    ['#/profiles', { screen: 'profiles' }],
    ['#/profiles/x', { screen: 'fleet' }],
    ['#/nowhere', { screen: 'fleet' }],
  ])('%s → %o', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('reads back what it writes', () => {
    for (const r of [
      { screen: 'fleet' },
      { screen: 'remote', remoteId: 'dns-01-lab' },
      { screen: 'profiles' },
    ] as Route[]) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });
});
