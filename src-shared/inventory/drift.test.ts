import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ServedBody } from '../protocol/bodies';
import { ObjectsView, RemoteObjectView, type SyncState } from '../ipc/inventory-views';
import {
  classifyOwned,
  compareKeys,
  driftChanges,
  objectsView,
  type OwnedObject,
  type Raised,
  type RemoteInventory,
} from './drift';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const ZONE = { kind: 'zone', name: 'example.test' } as const;
const SCOPE = { kind: 'scope', subnet: '10.0.0.0/24' } as const;

const owned = (op: 'upsert' | 'delete', object: OwnedObject['object'] = ZONE): OwnedObject => ({
  key: object.kind === 'zone' ? `zone:${object.name}` : `scope:${object.subnet}`,
  object,
  intended: { version: 3, op, sha256: op === 'delete' ? null : A, pushId: 'p3', at: 100 },
  versions: 3,
  appliedTo: ['r-1'],
});

type Body = z.infer<typeof ServedBody>;
const readable: Body['sources'] = [
  { service: 'named', readable: true },
  { service: 'kea-dhcp4', readable: true },
];
const inv = (objects: Body['objects'], more: Partial<Body> = {}): RemoteInventory => ({
  remoteId: 'r-1',
  served: { seq: 1, sources: readable, objects, truncated: false, ...more },
  receivedAt: 500,
});
const serving = (sha256: string | null, object: OwnedObject['object'] = ZONE) => [
  { object, version: 3, serial: 7, sha256, since: 50 },
];

/** Every state and every reason for it: [case, owned object, inventory, state, note matching]. */
const table: [string, OwnedObject, RemoteInventory, SyncState, RegExp | null][] = [
  ['serves the intended hash', owned('upsert'), inv(serving(A)), 'in-sync', null],
  ['serves another hash (edited by hand)', owned('upsert'), inv(serving(B)), 'drifted', null],
  ['still serves what the console deleted', owned('delete'), inv(serving(A)), 'drifted', /deleted/],
  ['no longer serves what was applied', owned('upsert'), inv([]), 'missing', null],
  ['does not serve what the console deleted', owned('delete'), inv([]), 'in-sync', null],
  [
    'no inventory yet',
    owned('upsert'),
    { remoteId: 'r-1', served: null, receivedAt: null },
    'unknown',
    /no served inventory/,
  ],
  ['serves it but the text is unreadable', owned('upsert'), inv(serving(null)), 'unknown', /cannot be read/],
  [
    'named unreadable: its zones are unknown, not missing',
    owned('upsert'),
    inv([], { sources: [{ service: 'named', readable: false, error: 'rndc: connection refused' }] }),
    'unknown',
    /named could not be read: rndc/,
  ],
  [
    'kea unreadable: its scopes are unknown',
    owned('upsert', SCOPE),
    inv([], {
      sources: [
        { service: 'named', readable: true },
        { service: 'kea-dhcp4', readable: false },
      ],
    }),
    'unknown',
    /kea-dhcp4 could not be read/,
  ],
  [
    'the service is not reported at all',
    owned('upsert', SCOPE),
    inv([], { sources: [] }),
    'unknown',
    /does not report kea-dhcp4/,
  ],
  ['a truncated inventory without it', owned('upsert'), inv([], { truncated: true }), 'unknown', /truncated/],
  ['a truncated inventory with it', owned('upsert'), inv(serving(A), { truncated: true }), 'in-sync', null],
  [
    'the intended content under an earlier serial (a reconcile sent elsewhere)',
    { ...owned('upsert'), sameContent: [B] },
    inv(serving(B)),
    'in-sync',
    /earlier SOA serial \(serial 7\)/,
  ],
];

describe('classifyOwned', () => {
  it.each(table)('%s', (_, o, i, state, note) => {
    const row = classifyOwned(o, i);
    expect(row.state).toBe(state);
    if (note === null) expect(row.note).toBeNull();
    else expect(row.note).toMatch(note);
    expect(row.reportedAt).toBe(i.receivedAt);
  });

  it('reports what the remote serves: hash, version, serial and since', () => {
    expect(classifyOwned(owned('upsert'), inv(serving(B)))).toMatchObject({
      servedSha256: B,
      servedVersion: 3,
      serial: 7,
      since: 50,
    });
  });

  it('keeps a note within what the contract allows, however long the agent’s error', () => {
    const row = classifyOwned(
      owned('upsert'),
      inv([], { sources: [{ service: 'named', readable: false, error: 'x'.repeat(2_000) }] }),
    );
    expect(() => RemoteObjectView.parse(row)).not.toThrow();
  });

  it('finds a zone however its name is spelled', () => {
    const served = serving(A, { kind: 'zone', name: 'Example.TEST.' });
    expect(classifyOwned(owned('upsert'), inv(served)).state).toBe('in-sync');
  });
});

describe('objectsView', () => {
  const r = (remoteId: string, objects: Body['objects'] | null): RemoteInventory =>
    objects === null
      ? { remoteId, served: null, receivedAt: null }
      : { remoteId, served: { seq: 1, sources: readable, objects, truncated: false }, receivedAt: 9 };

  it('lists owned objects with every state counted, extra ones after them, and the drifted remotes', () => {
    const zone = { ...owned('upsert'), appliedTo: ['r-1', 'r-2', 'r-3', 'r-4'] };
    const other = { kind: 'zone', name: 'other.test' } as const;
    const view = objectsView(
      [zone],
      [
        r('r-4', null),
        r('r-1', serving(A)),
        r('r-2', serving(B)),
        r('r-3', []),
        r('r-5', [...serving(A), ...serving(B, other)]),
        r('r-6', serving(A, other)),
      ],
      1000,
    );
    expect(() => ObjectsView.parse(view)).not.toThrow();
    expect(view.objects.map((o) => o.key)).toEqual(['zone:example.test', 'zone:other.test']);
    const [mine, extra] = view.objects;
    // r-5 was never given the zone but serves it with the intended hash: compared, in sync.
    expect(mine?.remotes.map((x) => [x.remoteId, x.state])).toEqual([
      ['r-1', 'in-sync'],
      ['r-2', 'drifted'],
      ['r-3', 'missing'],
      ['r-4', 'unknown'],
      ['r-5', 'in-sync'],
    ]);
    expect(mine?.counts).toEqual({ 'in-sync': 2, drifted: 1, missing: 1, extra: 0, unknown: 1 });
    expect(extra).toMatchObject({ intended: null, versions: 0, counts: { extra: 2 } });
    expect(extra?.remotes.map((x) => [x.remoteId, x.state, x.servedSha256])).toEqual([
      ['r-5', 'extra', B],
      ['r-6', 'extra', A],
    ]);
    expect(view.driftedRemotes).toEqual(['r-2', 'r-3']);
    expect(view.generatedAt).toBe(1000);
  });

  it('keeps a remote it applied to but knows no inventory of, as unknown', () => {
    const view = objectsView([{ ...owned('upsert'), appliedTo: ['r-9'] }], [], 1);
    expect(view.objects[0]?.remotes).toMatchObject([{ remoteId: 'r-9', state: 'unknown' }]);
  });

  it('orders zones before scopes, numbers as numbers', () => {
    expect(['scope:10.0.10.0/24', 'zone:b', 'scope:10.0.2.0/24', 'zone:a'].sort(compareKeys)).toEqual([
      'zone:a',
      'zone:b',
      'scope:10.0.2.0/24',
      'scope:10.0.10.0/24',
    ]);
  });
});

describe('driftChanges', () => {
  const view = (rows: [string, SyncState, string | null][]) =>
    objectsView(
      [{ ...owned('upsert'), appliedTo: rows.map(([id]) => id) }],
      rows.map(([remoteId, state, sha]) => ({
        remoteId,
        served:
          state === 'unknown'
            ? null
            : {
                seq: 1,
                sources: readable,
                objects: state === 'missing' ? [] : serving(sha),
                truncated: false,
              },
        receivedAt: 1,
      })),
      1,
    );
  const raised = (entries: [string, Raised][]) => new Map([['zone:example.test', new Map(entries)]]);
  const kinds = (changes: ReturnType<typeof driftChanges>) =>
    changes.map((c) => [c.kind, c.remoteId, c.kind === 'raise' ? c.raised.state : null]);

  /** [case, raised before, remote's state now, served hash now, expected change] */
  const cases: [string, Raised | undefined, SyncState, string | null, string | null][] = [
    ['in sync, nothing raised', undefined, 'in-sync', A, null],
    ['becomes drifted', undefined, 'drifted', B, 'raise'],
    ['becomes missing', undefined, 'missing', null, 'raise'],
    ['still drifted, same hash (a restart)', { state: 'drifted', servedSha256: B }, 'drifted', B, null],
    [
      'drifted again to another hash',
      { state: 'drifted', servedSha256: 'c'.repeat(64) },
      'drifted',
      B,
      'raise',
    ],
    ['drifted, now missing', { state: 'drifted', servedSha256: B }, 'missing', null, 'raise'],
    ['still missing', { state: 'missing', servedSha256: null }, 'missing', null, null],
    ['back in sync', { state: 'drifted', servedSha256: B }, 'in-sync', A, 'clear'],
    ['unknown keeps what was raised', { state: 'drifted', servedSha256: B }, 'unknown', null, null],
    ['unknown raises nothing', undefined, 'unknown', null, null],
  ];
  it.each(cases)('%s', (_, before, state, sha, expected) => {
    const changes = driftChanges(raised(before ? [['r-1', before]] : []), view([['r-1', state, sha]]));
    expect(changes.map((c) => c.kind)).toEqual(expected === null ? [] : [expected]);
  });

  it('clears a raised pair the view no longer lists', () => {
    const changes = driftChanges(raised([['r-gone', { state: 'missing', servedSha256: null }]]), view([]));
    expect(kinds(changes)).toEqual([['clear', 'r-gone', null]]);
  });

  it('raises nothing for extra objects', () => {
    const v = objectsView(
      [],
      [
        {
          remoteId: 'r-1',
          served: { seq: 1, sources: readable, objects: serving(B), truncated: false },
          receivedAt: 1,
        },
      ],
      1,
    );
    expect(driftChanges(new Map(), v)).toEqual([]);
  });
});
