import { describe, expect, it } from 'vitest';
import { makeEnvelope, type HaRelationship, type HaStatus } from '../../../src-shared/protocol';
import { HA_STALE_AFTER_MS } from '../../../src-shared/ipc/ha-views';
import { haFacts } from './ha-facts';
import { HaTracker } from './ha-tracker';

const peers = [
  { name: 'kea-a', url: 'http://127.0.0.1:8001/', role: 'primary' },
  { name: 'kea-b', url: 'http://127.0.0.1:8002/', role: 'standby' },
];
const side = (me: 'a' | 'b', state = 'hot-standby', interrupted = false): HaRelationship => ({
  mode: 'hot-standby',
  peers,
  server: {
    name: `kea-${me}`,
    role: me === 'a' ? 'primary' : 'standby',
    state,
    scopes: me === 'a' ? ['kea-a'] : [],
  },
  partner: {
    name: me === 'a' ? 'kea-b' : 'kea-a',
    role: me === 'a' ? 'standby' : 'primary',
    lastState: interrupted ? 'unavailable' : 'hot-standby',
    lastScopes: [],
    communicationInterrupted: interrupted,
    ageS: interrupted ? 9 : 0,
    connectingClients: 0,
    unackedClients: 0,
  },
});
const usage = (rid: string, ha: HaStatus | undefined, dhcp = true) =>
  makeEnvelope('usage', rid, {
    windowS: 5,
    ...(dhcp ? { dhcp: { leasesActive: 0, leasesAllocated: 0 } } : {}),
    ...(ha ? { ha } : {}),
  });
const reported = (...relationships: HaRelationship[]): HaStatus => ({ kind: 'reported', relationships });

describe('HaTracker', () => {
  it('pairs two remotes by their peers and turns a partner down into an unhealthy fact, then healthy again', () => {
    const clock = { now: 1_000_000 };
    const t = new HaTracker(() => clock.now);
    t.take(usage('r-1', reported(side('a'))));
    t.take(usage('r-2', reported(side('b'))));
    expect(t.list().pairs.map((p) => [p.name, p.verdict, p.sides.map((s) => s.remoteId)])).toEqual([
      ['kea-a + kea-b', 'healthy', ['r-1', 'r-2']],
    ]);
    expect(haFacts(t.list().pairs)).toEqual([
      expect.objectContaining({ subject: 'ha:kea-a + kea-b@r-1', healthy: true }),
    ]);

    // The standby's Kea is killed: its agent cannot read it (and sends no lease counters), the primary
    // reports the partner down. The standby's side keeps its last relationship, so it stays in the pair.
    t.take(usage('r-2', { kind: 'unreadable', reason: 'Kea config-get: connect ECONNREFUSED' }, false));
    t.take(usage('r-1', reported(side('a', 'partner-down', true))));
    const [pair] = t.list({ remoteId: 'r-2' }).pairs;
    expect(pair).toMatchObject({ verdict: 'partner-down', remoteId: 'r-2' });
    expect(pair?.sides[1]).toMatchObject({
      remoteId: 'r-2',
      unreadable: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(haFacts(t.list().pairs)).toEqual([
      expect.objectContaining({ subject: 'ha:kea-a + kea-b@r-1', remoteId: 'r-2', healthy: false }),
    ]);

    t.take(usage('r-2', reported(side('b'))));
    t.take(usage('r-1', reported(side('a'))));
    expect(haFacts(t.list().pairs)).toEqual([expect.objectContaining({ healthy: true })]);
  });

  it('marks a side stale when its remote stops reporting, which holds no alert either way', () => {
    const clock = { now: 1_000_000 };
    const t = new HaTracker(() => clock.now);
    t.take(usage('r-1', reported(side('a'))));
    t.take(usage('r-2', reported(side('b'))));
    clock.now += HA_STALE_AFTER_MS / 2;
    t.take(usage('r-1', reported(side('a'))));
    clock.now += HA_STALE_AFTER_MS / 2 + 1;
    const [pair] = t.list().pairs;
    expect(pair?.sides.map((s) => s.stale)).toEqual([false, true]);
    expect(pair?.verdict).toBe('unknown');
    expect(haFacts(t.list().pairs)).toEqual([]);
  });

  it('drops a remote whose Kea no longer loads the hook, and ignores usage without DHCP', () => {
    const t = new HaTracker();
    t.take(usage('r-1', reported(side('a'))));
    t.take(makeEnvelope('usage', 'r-1', { windowS: 5, dns: { qps: 1, queries: 5 } }));
    expect(t.list().pairs).toHaveLength(1);
    t.take(usage('r-1', undefined));
    expect(t.list().pairs).toEqual([]);
  });

  it('lists only the pairs a remote is a side of', () => {
    const t = new HaTracker();
    t.take(usage('r-1', reported(side('a'))));
    t.take(usage('r-9', { kind: 'unreadable', reason: 'no socket' }));
    expect(t.list({ remoteId: 'r-9' }).pairs.map((p) => p.name)).toEqual(['r-9']);
    expect(t.list().pairs).toHaveLength(2);
  });
});
