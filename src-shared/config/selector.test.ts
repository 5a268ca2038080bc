import { describe, expect, it } from 'vitest';
import {
  type SelectableRemote,
  SelectorSyntaxError,
  TargetSelector,
  parseSelector,
  selectRemotes,
  unknownIds,
} from './selector';

const remote = (
  id: string,
  hostname: string,
  status: SelectableRemote['status'],
  capabilities: string[],
  tags: string[],
): SelectableRemote => ({ id, hostname, status, capabilities, tags });

// Listed out of id order on purpose: selection answers in id order whatever the fleet's order.
const fleet: SelectableRemote[] = [
  remote('r-0003', 'dhcp-1.fra.example', 'online', ['dhcp4'], ['site:fra', 'role:dhcp']),
  remote('r-0001', 'ns1.ams.example', 'online', ['dns'], ['site:ams', 'role:dns']),
  remote('r-0002', 'NS2.ams.example.', 'offline', ['dns', 'dhcp4'], ['site:ams', 'role:ddi']),
  remote('r-0004', 'ns3.fra.example', 'unknown', ['dns', 'routing'], ['site:fra', 'role:dns']),
];

describe('parseSelector', () => {
  it.each<[string, TargetSelector]>([
    ['r-0001', { kind: 'ids', ids: ['r-0001'] }],
    ['r-0002, r-0001,r-0002', { kind: 'ids', ids: ['r-0002', 'r-0001'] }],
    ['tag:site=ams', { kind: 'tags', all: ['site:ams'] }],
    ['tag:env:lab', { kind: 'tags', all: ['env:lab'] }],
    ['tag:gold', { kind: 'tags', all: ['gold'] }],
    ['tag:role=dns+tag:site=ams', { kind: 'tags', all: ['role:dns', 'site:ams'] }],
    ['tag:site=ams,tag:site=fra', { kind: 'tags', any: ['site:ams', 'site:fra'] }],
    ['all', { kind: 'filter', status: 'any' }],
    ['online', { kind: 'filter', status: 'online' }],
    ['offline', { kind: 'filter', status: 'offline' }],
    ['cap:dns', { kind: 'filter', status: 'any', capabilities: ['dns'] }],
    ['host:ns*.ams.example', { kind: 'filter', status: 'any', hostname: 'ns*.ams.example' }],
    [
      ' cap:dns + tag:site=ams + online ',
      { kind: 'filter', status: 'online', capabilities: ['dns'], tags: ['site:ams'] },
    ],
    ['cap:dns+cap:dhcp4', { kind: 'filter', status: 'any', capabilities: ['dns', 'dhcp4'] }],
  ])('%j', (text, selector) => {
    expect(parseSelector(text)).toEqual(selector);
    expect(TargetSelector.parse(selector)).toEqual(selector);
  });

  it.each([
    ['', '--to is empty'],
    ['   ', '--to is empty'],
    ['r-0001,', 'has an empty term at the end'],
    [',r-0001', 'has an empty term at the start'],
    ['tag:a++tag:b', 'has an empty term after "tag:a"'],
    ['R_0001', '"R_0001": not a remote id'],
    ['r-0001+r-0002', 'join remote ids with ",", not "+"'],
    ['r-0001,tag:site=ams', 'mixes remote ids with other terms'],
    ['tag:a,tag:b+cap:dns', 'mixes "," (any of) and "+" (all of)'],
    ['cap:dns,online', '"," (any of) joins remote ids or tags only'],
    ['cap:dhcp6', '"cap:dhcp6": a capability is dns or dhcp4'],
    ['site:ams', '"site:ams": unknown prefix "site:"; use tag:, cap: or host:'],
    ['tag:', '"tag:": a tag cannot be empty'],
    ['tag:site=', '"tag:site=": a tag term is tag:KEY=VALUE or tag:LABEL'],
    [`tag:${'x'.repeat(65)}`, 'a tag is at most 64 characters'],
    ['host:ns[1].example', 'a host name pattern holds letters'],
    ['online+offline', 'a remote cannot be both online and offline'],
    ['host:a*+host:b*', 'give one host: pattern'],
    ['all+cap:dns', 'all stands alone'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSelector(text)).toThrow(SelectorSyntaxError);
    expect(() => parseSelector(text)).toThrow(message);
  });
});

describe('selectRemotes', () => {
  it.each<[string, TargetSelector, string[]]>([
    [
      'ids, known ones only, in id order',
      { kind: 'ids', ids: ['r-0004', 'r-0009', 'r-0001'] },
      ['r-0001', 'r-0004'],
    ],
    ['all tags', { kind: 'tags', all: ['site:ams', 'role:dns'] }, ['r-0001']],
    ['any tag', { kind: 'tags', any: ['role:dhcp', 'role:ddi'] }, ['r-0002', 'r-0003']],
    ['all and any tags', { kind: 'tags', all: ['site:fra'], any: ['role:dns', 'role:ddi'] }, ['r-0004']],
    ['tags match exactly', { kind: 'tags', all: ['site:AMS'] }, []],
    ['everything', { kind: 'filter', status: 'any' }, ['r-0001', 'r-0002', 'r-0003', 'r-0004']],
    ['online', { kind: 'filter', status: 'online' }, ['r-0001', 'r-0003']],
    ['offline, including the never heard', { kind: 'filter', status: 'offline' }, ['r-0002', 'r-0004']],
    ['a capability', { kind: 'filter', status: 'any', capabilities: ['dhcp4'] }, ['r-0002', 'r-0003']],
    ['two capabilities', { kind: 'filter', status: 'any', capabilities: ['dns', 'dhcp4'] }, ['r-0002']],
    [
      'a host glob, case and final dot aside',
      { kind: 'filter', status: 'any', hostname: 'ns?.AMS.*' },
      ['r-0001', 'r-0002'],
    ],
    ['a glob is anchored', { kind: 'filter', status: 'any', hostname: 'ns' }, []],
    [
      '? stands for any one character',
      { kind: 'filter', status: 'any', hostname: 'ns1?ams.example' },
      ['r-0001'],
    ],
    [
      'everything together',
      { kind: 'filter', status: 'online', capabilities: ['dns'], hostname: '*.example', tags: ['site:ams'] },
      ['r-0001'],
    ],
  ])('%s', (_name, selector, ids) => {
    expect(selectRemotes(selector, fleet)).toEqual(ids);
  });

  it('reads a dot in a glob as a dot', () => {
    const lookalike = remote('r-0009', 'ns1xams.example', 'online', ['dns'], []);
    expect(
      selectRemotes({ kind: 'filter', status: 'any', hostname: 'ns1.ams.example' }, [lookalike]),
    ).toEqual([]);
  });

  it('names each remote once, however often the fleet lists it', () => {
    expect(selectRemotes({ kind: 'filter', status: 'online' }, [...fleet, ...fleet])).toEqual([
      'r-0001',
      'r-0003',
    ]);
  });

  it('goes from the command line to the targets', () => {
    expect(selectRemotes(parseSelector('cap:dns+tag:site=ams+online'), fleet)).toEqual(['r-0001']);
    expect(selectRemotes(parseSelector('tag:site=fra,tag:role=ddi'), fleet)).toEqual([
      'r-0002',
      'r-0003',
      'r-0004',
    ]);
  });
});

describe('unknownIds', () => {
  it('names the ids the fleet does not know', () => {
    expect(unknownIds({ kind: 'ids', ids: ['r-0009', 'r-0001', 'r-0005', 'r-0009'] }, fleet)).toEqual([
      'r-0005',
      'r-0009',
    ]);
  });
  it('is empty for selectors that do not name remotes', () => {
    expect(unknownIds({ kind: 'tags', all: ['site:nowhere'] }, fleet)).toEqual([]);
  });
});

describe('TargetSelector', () => {
  it.each([
    [{ kind: 'ids', ids: [] }, 'name at least one remote'],
    [{ kind: 'ids', ids: ['R 1'] }, 'a remote id is 1-63'],
    [{ kind: 'tags' }, 'name at least one tag'],
    [{ kind: 'filter', capabilities: ['dhcp6'] }, 'Invalid option'],
    [{ kind: 'filter', status: 'up' }, 'Invalid option'],
  ])('refuses %j', (input, message) => {
    const r = TargetSelector.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});
