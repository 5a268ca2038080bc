import { describe, expect, it } from 'vitest';
import type { ObjectView, ObjectsView, SyncState } from '../../../src-shared/ipc/inventory-views';
import { remoteObjectView } from '../testing/remote-object-view';
import { findName, type FindNameDeps } from './find-name';

const serving = (remoteId: string, state: SyncState = 'in-sync') => ({
  ...remoteObjectView(remoteId, state),
  servedSha256: 'ab'.repeat(32),
});

const zoneView = (name: string, remotes: ObjectView['remotes']): ObjectView => ({
  key: `zone:${name}`,
  object: { kind: 'zone', name },
  intended: null,
  versions: 0,
  counts: { 'in-sync': 0, drifted: 0, missing: 0, extra: 0, unknown: 0 },
  remotes,
});

/** A fleet of DNS remotes d1..d6 and one DHCP remote, with the inventories the tests need. */
function fakeFleet(answers: Record<string, string[] | Error | 'garbage'>) {
  const asked: string[] = [];
  const objects: ObjectsView = {
    generatedAt: 1,
    driftedRemotes: [],
    objects: [
      zoneView('example.test', [
        serving('d1'),
        serving('d2', 'drifted'),
        serving('d3'),
        serving('d4'),
        serving('d5'),
      ]),
      // d2 also serves the child zone: the longer suffix answers for names below it.
      zoneView('sub.example.test', [serving('d2')]),
      // d6 reported an inventory, but not with this zone (missing: its sha is null).
      zoneView('other.test', [serving('d6'), { ...remoteObjectView('d1', 'missing') }]),
    ],
  };
  const deps: FindNameDeps = {
    remotes: () => [
      { id: 'd5', capabilities: ['dns'], status: 'offline' },
      { id: 'd1', capabilities: ['dns'], status: 'online' },
      { id: 'd2', capabilities: ['dns'], status: 'online' },
      { id: 'd3', capabilities: ['dns'], status: 'online' },
      { id: 'd4', capabilities: ['dns'], status: 'online' },
      { id: 'd6', capabilities: ['dns'], status: 'online' },
      { id: 'd7', capabilities: ['dns'], status: 'online' },
      { id: 'k1', capabilities: ['dhcp4'], status: 'online' },
    ],
    objects: () => objects,
    lookup: async (remoteId, name, rrtype) => {
      asked.push(`${remoteId} ${name} ${rrtype}`);
      const a = answers[remoteId] ?? [];
      if (a instanceof Error) throw a;
      if (a === 'garbage') return { nope: true };
      return { name, rrtype, answers: a };
    },
    now: () => 42,
  };
  return { deps, asked };
}

describe('findName', () => {
  it('asks each online DNS remote serving the zone, lists offline ones, and marks the one that differs', async () => {
    const { deps, asked } = fakeFleet({
      d1: ['192.0.2.1', '192.0.2.2'],
      d2: ['192.0.2.9'],
      d3: ['192.0.2.2', '192.0.2.1'],
      d4: new Error('d4 did not answer within 8 s'),
      d7: ['192.0.2.1', '192.0.2.2'],
    });
    const view = await findName(deps, { name: 'WWW.example.test', rrtype: 'A' });
    // d6 has an inventory without the zone, k1 is not a DNS remote; d7 sent no inventory yet: asked anyway.
    expect(asked.sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd7'].map((id) => `${id} WWW.example.test. A`));
    expect(view).toMatchObject({
      name: 'WWW.example.test.',
      rrtype: 'A',
      askedAt: 42,
      notServing: 1,
      distinctAnswers: 2,
    });
    expect(view.remotes).toEqual([
      {
        remoteId: 'd1',
        state: 'answered',
        zone: 'example.test',
        answers: ['192.0.2.1', '192.0.2.2'],
        differs: false,
      },
      { remoteId: 'd2', state: 'answered', zone: 'example.test', answers: ['192.0.2.9'], differs: true },
      {
        remoteId: 'd3',
        state: 'answered',
        zone: 'example.test',
        answers: ['192.0.2.1', '192.0.2.2'],
        differs: false,
      },
      { remoteId: 'd4', state: 'failed', zone: 'example.test', reason: 'd4 did not answer within 8 s' },
      { remoteId: 'd5', state: 'not-asked', zone: 'example.test', status: 'offline' },
      { remoteId: 'd7', state: 'answered', zone: null, answers: ['192.0.2.1', '192.0.2.2'], differs: false },
    ]);
  });

  it('names the longest zone that holds the name; an answer that is not a lookup result fails', async () => {
    const { deps } = fakeFleet({ d1: ['x.'], d2: ['x.'], d3: 'garbage', d4: ['x.'], d7: ['x.'] });
    const view = await findName(deps, { name: 'a.sub.example.test.', rrtype: 'CNAME' });
    expect(view.remotes.find((r) => r.remoteId === 'd2')?.zone).toBe('sub.example.test');
    expect(view.remotes.find((r) => r.remoteId === 'd1')?.zone).toBe('example.test');
    expect(view.remotes.find((r) => r.remoteId === 'd3')).toMatchObject({
      state: 'failed',
      reason: /not a lookup result/,
    });
    expect(view.distinctAnswers).toBe(1);
    expect(view.remotes.some((r) => r.state === 'answered' && r.differs)).toBe(false);
  });

  it('with a tie there is no majority: every answering remote is marked as differing', async () => {
    const { deps } = fakeFleet({ d1: ['a'], d2: ['b'], d3: ['a'], d4: ['b'], d7: [] });
    const view = await findName(deps, { name: 'www.example.test', rrtype: 'A' });
    expect(view.remotes.filter((r) => r.state === 'answered' && r.differs).map((r) => r.remoteId)).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
      'd7',
    ]);
  });

  it('asks nobody for a name outside every served zone', async () => {
    const { deps, asked } = fakeFleet({});
    const view = await findName(deps, { name: 'www.example.org', rrtype: 'A' });
    expect(asked).toEqual(['d7 www.example.org. A']);
    // d1..d6, the offline d5 among them: their inventories say they do not serve it.
    expect(view.notServing).toBe(6);
  });
});
