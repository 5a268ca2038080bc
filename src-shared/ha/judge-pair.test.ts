import { describe, expect, it } from 'vitest';
import type { HaRelationship } from '../protocol';
import type { HaSideView } from '../ipc/ha-views';
import { haPairKey, judgeHaPair, pairHaSides } from './judge-pair';

const peers = [
  { name: 'server-a', url: 'http://10.0.0.1:8001/', role: 'primary' },
  { name: 'server-b', url: 'http://10.0.0.2:8001/', role: 'standby' },
];

/** One side of a healthy hot-standby pair, with whatever a row changes. */
function rel(
  me: 'a' | 'b',
  over: {
    state?: string;
    role?: string;
    scopes?: string[];
    mode?: string;
    partner?: Partial<NonNullable<HaRelationship['partner']>>;
  } = {},
): HaRelationship {
  const primary = me === 'a';
  return {
    mode: over.mode ?? 'hot-standby',
    peers,
    server: {
      name: `server-${me}`,
      role: over.role ?? (primary ? 'primary' : 'standby'),
      state: over.state ?? 'hot-standby',
      scopes: over.scopes ?? (primary ? ['server-a'] : []),
    },
    partner: {
      name: primary ? 'server-b' : 'server-a',
      role: primary ? 'standby' : 'primary',
      lastState: 'hot-standby',
      lastScopes: primary ? [] : ['server-a'],
      communicationInterrupted: false,
      ageS: 1,
      connectingClients: 0,
      unackedClients: 0,
      ...over.partner,
    },
  };
}

const side = (
  remoteId: string,
  r: HaRelationship | undefined,
  more: Partial<HaSideView> = {},
): HaSideView => ({
  remoteId,
  reportedAt: 1,
  stale: false,
  ...(r ? { relationship: r } : {}),
  ...more,
});

const A = (over?: Parameters<typeof rel>[1], more?: Partial<HaSideView>) => side('r-a', rel('a', over), more);
const B = (over?: Parameters<typeof rel>[1], more?: Partial<HaSideView>) => side('r-b', rel('b', over), more);

describe('judgeHaPair', () => {
  const rows: [string, HaSideView[], string, RegExp, string][] = [
    ['both hot-standby, in touch', [A(), B()], 'healthy', /server-a \(r-a\) primary hot-standby/, 'r-a'],
    [
      'load-balancing pair',
      [
        A({ mode: 'load-balancing', role: 'primary', state: 'load-balancing', scopes: ['server-a'] }),
        B({ mode: 'load-balancing', role: 'secondary', state: 'load-balancing', scopes: ['server-b'] }),
      ],
      'healthy',
      /secondary load-balancing/,
      'r-a',
    ],
    ['one side only (partner not an SMT remote), in touch', [A()], 'healthy', /server-a/, 'r-a'],
    [
      'primary in partner-down: the standby is down',
      [
        A({
          state: 'partner-down',
          partner: { lastState: 'unavailable', communicationInterrupted: true, ageS: 9 },
        }),
        B(),
      ],
      'partner-down',
      /server-a \(r-a\) is in partner-down state: its partner server-b is not answering \(last heartbeat 9 s ago\)/,
      'r-b',
    ],
    [
      'communication interrupted, still hot-standby',
      [A({ partner: { communicationInterrupted: true, ageS: 4 } }), B()],
      'partner-down',
      /lost communication with server-b/,
      'r-b',
    ],
    [
      'standby unreadable, primary reports it unavailable',
      [A({ partner: { lastState: 'unavailable' } }), B({}, { unreadable: 'connect ENOENT' })],
      'partner-down',
      /reports server-b unavailable/,
      'r-b',
    ],
    [
      'partner down seen from a lone side whose partner is not in the fleet',
      [A({ state: 'partner-down' })],
      'partner-down',
      /partner-down/,
      'r-a',
    ],
    ['both primary', [A(), B({ role: 'primary', scopes: [] })], 'disagree', /both primary/, 'r-a'],
    [
      'both serve the same scope',
      [A(), B({ scopes: ['server-a'] })],
      'disagree',
      /both serve scope server-a/,
      'r-a',
    ],
    [
      'modes differ',
      [A(), B({ mode: 'load-balancing' })],
      'disagree',
      /runs hot-standby.*runs load-balancing/,
      'r-a',
    ],
    [
      'two remotes claim the same server',
      [A(), side('r-c', rel('a'))],
      'disagree',
      /r-a and r-c both report being server-a/,
      'r-c',
    ],
    [
      'terminated (clock skew)',
      [A({ state: 'terminated' }), B({ state: 'terminated' })],
      'disagree',
      /terminated HA/,
      'r-a',
    ],
    [
      'steady states differ',
      [A(), B({ state: 'backup' })],
      'disagree',
      /hot-standby state, server-b \(r-b\) in backup/,
      'r-a',
    ],
    [
      'passive-backup: the backup server is in backup state',
      [
        A({ mode: 'passive-backup', state: 'passive-backup' }),
        B({ mode: 'passive-backup', role: 'backup', state: 'backup' }),
      ],
      'healthy',
      /server-b \(r-b\) backup backup/,
      'r-a',
    ],
    [
      'syncing after a restart',
      [A(), B({ state: 'syncing' })],
      'transition',
      /server-b \(r-b\) is in syncing state/,
      'r-b',
    ],
    [
      'unreadable, the other side in touch',
      [A(), B({}, { unreadable: 'Kea status-get: timeout' })],
      'unknown',
      /server-b \(r-b\): Kea's HA status cannot be read: Kea status-get: timeout/,
      'r-b',
    ],
    [
      'other side stale, this one fine',
      [A(), B({}, { stale: true })],
      'unknown',
      /no recent report from server-b \(r-b\)/,
      'r-b',
    ],
    ['both stale', [A({}, { stale: true }), B({}, { stale: true })], 'unknown', /either side/, 'r-a'],
    [
      'stale side is not trusted: its old partner-down is ignored',
      [A({ state: 'partner-down' }, { stale: true }), B()],
      'unknown',
      /no recent report from server-a/,
      'r-a',
    ],
    [
      'never readable',
      [side('r-x', undefined, { unreadable: 'no socket' })],
      'unknown',
      /r-x: Kea's HA status cannot be read: no socket/,
      'r-x',
    ],
  ];
  it.each(rows)('%s', (_name, sides, verdict, detail, remoteId) => {
    const j = judgeHaPair(sides);
    expect(j.verdict).toBe(verdict);
    expect(j.detail).toMatch(detail);
    expect(j.remoteId).toBe(remoteId);
  });
});

describe('pairHaSides', () => {
  it('pairs by peers, keeps apart two pairs with the same names on other URLs, and leaves the never-readable alone', () => {
    const other = (r: HaRelationship): HaRelationship => ({
      ...r,
      peers: r.peers.map((p) => ({ ...p, url: p.url.replace('10.0.0', '10.9.9') })),
    });
    const pairs = pairHaSides([
      B(),
      side('r-c', other(rel('a'))),
      A(),
      side('r-d', other(rel('b'))),
      side('r-x', undefined, { unreadable: 'no socket' }),
    ]);
    expect(pairs.map((p) => [p.name, p.sides.map((s) => s.remoteId), p.verdict])).toEqual([
      ['r-x', ['r-x'], 'unknown'],
      ['server-a + server-b', ['r-a', 'r-b'], 'healthy'],
      ['server-a + server-b', ['r-c', 'r-d'], 'healthy'],
    ]);
    expect(new Set(pairs.map((p) => p.key)).size).toBe(3);
  });

  it('keys a relationship the same whatever order each side lists its peers in', () => {
    const r = rel('a');
    expect(haPairKey({ ...r, peers: [...r.peers].reverse() })).toBe(haPairKey(r));
  });
});
