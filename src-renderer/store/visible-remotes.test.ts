import { describe, expect, it } from 'vitest';
import { remote } from '../testing/remote';
import type { RemoteView } from '../../src-shared/ipc';
import type { SortOrder, StatusFilter } from './fleet-slice';
import { fleetTags, filterRemotes, sortedRemotes, type ExtraFilters } from './visible-remotes';

/** What the Fleet table shows: the filters' rows in the sort's order. */
const visibleRemotes = (
  remotes: ReadonlyMap<string, RemoteView>,
  query: string,
  status: StatusFilter,
  sort: SortOrder,
  extra?: ExtraFilters,
) => filterRemotes(sortedRemotes(remotes, sort), query, status, extra);

const fleet = new Map(
  [
    remote('r-0003', 100, {
      hostname: 'dns-b.fra1.example.net',
      ips: ['10.0.0.10'],
      cpuPct: 50,
      lastSeen: 90,
    }),
    remote('r-0001', 100, {
      hostname: 'dhcp-a.ams2.example.net',
      ips: ['10.0.0.9'],
      cpuPct: null,
      lastSeen: null,
    }),
    remote('r-0002', 100, {
      hostname: 'DNS-C.fra1.example.net',
      ips: ['10.0.1.2', '2001:db8::2'],
      status: 'offline',
      cpuPct: 5,
      lastSeen: 95,
      processes: [{ name: 'named', running: false }],
    }),
  ].map((r) => [r.id, r]),
);
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('visibleRemotes', () => {
  it('sorts by id by default and filters by status', () => {
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'id', dir: 'asc' }))).toEqual([
      'r-0001',
      'r-0002',
      'r-0003',
    ]);
    expect(ids(visibleRemotes(fleet, '', 'offline', { key: 'id', dir: 'asc' }))).toEqual(['r-0002']);
  });

  it('searches id, hostname (any case) and every IP; all terms must match', () => {
    const by = (q: string) => ids(visibleRemotes(fleet, q, 'all', { key: 'id', dir: 'asc' }));
    expect(by('0003')).toEqual(['r-0003']);
    expect(by('dns')).toEqual(['r-0002', 'r-0003']);
    expect(by('  DNS   fra1 c ')).toEqual(['r-0002']);
    expect(by('2001:db8')).toEqual(['r-0002']);
    expect(by('10.0.0.')).toEqual(['r-0001', 'r-0003']);
    expect(by('nothing')).toEqual([]);
  });

  it('sorts numbers numerically, IPv4 by octets, and puts missing values last in both directions', () => {
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'cpu', dir: 'asc' }))).toEqual([
      'r-0002',
      'r-0003',
      'r-0001',
    ]);
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'cpu', dir: 'desc' }))).toEqual([
      'r-0003',
      'r-0002',
      'r-0001',
    ]);
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'ip', dir: 'asc' }))).toEqual([
      'r-0001',
      'r-0003',
      'r-0002',
    ]);
  });

  it('sorts last seen by age, status by severity and processes by services down', () => {
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'lastSeen', dir: 'asc' }))).toEqual([
      'r-0002',
      'r-0003',
      'r-0001',
    ]);
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'status', dir: 'desc' }))[0]).toBe('r-0002');
    expect(ids(visibleRemotes(fleet, '', 'all', { key: 'processes', dir: 'desc' }))[0]).toBe('r-0002');
  });

  // How fast: the bench's renderer scenario times a filter keystroke to paint at 10,000 remotes
  // (docs/performance.md); a test on a shared machine judges no time.
  it('sorts 10,000 remotes', () => {
    const big = new Map(
      Array.from({ length: 10_000 }, (_, i) => remote(`r-${i}`, 1, { cpuPct: (i * 7919) % 100 })).map((r) => [
        r.id,
        r,
      ]),
    );
    const rows = visibleRemotes(big, '', 'all', { key: 'cpu', dir: 'desc' });
    expect(rows).toHaveLength(10_000);
    expect(rows[0]?.cpuPct).toBe(99);
    expect(rows.at(-1)?.cpuPct).toBe(0);
  });

  it('filters by a tag and by a service that is down', () => {
    const tagged = new Map([
      ...fleet,
      [
        'r-0009',
        remote('r-0009', 100, { tags: ['site:fra'], processes: [{ name: 'named', running: true }] }),
      ],
    ]);
    const asc = { key: 'id', dir: 'asc' } as const;
    expect(ids(visibleRemotes(tagged, '', 'all', asc, { tag: 'site:fra' }))).toEqual(['r-0009']);
    expect(ids(visibleRemotes(tagged, '', 'all', asc, { down: 'named' }))).toEqual(['r-0002']);
    expect(ids(visibleRemotes(tagged, '', 'all', asc, { down: 'kea-dhcp4' }))).toEqual([]);
    expect(fleetTags(tagged)).toEqual(['role:dns', 'site:ams', 'site:fra']);
  });
});
