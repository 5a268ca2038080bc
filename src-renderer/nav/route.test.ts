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
    ['#/audit', { screen: 'audit' }],
    ['#/alerts', { screen: 'alerts' }],
    ['#/alerts/a-1', { screen: 'fleet' }],
    ['#/broker', { screen: 'broker' }],
    ['#/audit/x', { screen: 'fleet' }],
    ['#/leases', { screen: 'leases' }],
    ['#/leases/x', { screen: 'fleet' }],
    ['#/drafts', { screen: 'drafts' }],
    ['#/drafts/new', { screen: 'drafts', draftId: 'new' }],
    ['#/drafts/d-lx2k9a3f01', { screen: 'drafts', draftId: 'd-lx2k9a3f01' }],
    ['#/drafts/../etc', { screen: 'fleet' }],
    ['#/push', { screen: 'push', pushId: null }],
    [
      '#/push/8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      { screen: 'push', pushId: '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    ],
    ['#/push/not-a-push', { screen: 'fleet' }],
    ['#/objects', { screen: 'objects' }],
    ['#/objects/zone%3Aexample.test', { screen: 'objects', key: 'zone:example.test' }],
    ['#/objects/scope%3A10.0.0.0%2F24', { screen: 'objects', key: 'scope:10.0.0.0/24' }],
    ['#/objects/zone%3A..%2Fetc', { screen: 'fleet' }],
    ['#/objects/view:x', { screen: 'fleet' }],
  ])('%s → %o', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('reads back what it writes', () => {
    for (const r of [
      { screen: 'fleet' },
      { screen: 'remote', remoteId: 'dns-01-lab' },
      { screen: 'audit' },
      { screen: 'alerts' },
      { screen: 'broker' },
      { screen: 'drafts' },
      { screen: 'drafts', draftId: 'd-lx2k9a3f01' },
      { screen: 'push', pushId: null },
      { screen: 'push', pushId: '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
      { screen: 'profiles' },
      { screen: 'leases' },
      { screen: 'objects' },
      { screen: 'objects', key: 'scope:10.0.0.0/24' },
    ] as Route[]) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });
});
