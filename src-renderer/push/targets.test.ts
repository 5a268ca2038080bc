import { describe, expect, it } from 'vitest';
import { remote } from '../testing/remote';
import { previewTargets, selectorOf } from './targets';

const fleet = new Map(
  [
    remote('r-0001', 1, { tags: ['site:ams'], hostname: 'ns1.ams.example' }),
    remote('r-0002', 1, { tags: ['site:fra'], hostname: 'ns2.fra.example', status: 'offline' }),
    remote('r-0003', 1, { tags: ['site:ams'], hostname: 'dhcp1.ams.example', status: 'unknown' }),
  ].map((r) => [r.id, r]),
);

describe('push targets', () => {
  it('turns each choice into the selector the console selects with', () => {
    expect(selectorOf({ kind: 'selected', ids: ['r-0002', 'r-0001'] })).toEqual({
      selector: { kind: 'ids', ids: ['r-0002', 'r-0001'] },
    });
    expect(selectorOf({ kind: 'selected', ids: [] })).toMatchObject({ problem: /No remote is selected/ });
    expect(selectorOf({ kind: 'tag', tag: 'site:ams' })).toEqual({
      selector: { kind: 'tags', all: ['site:ams'] },
    });
    expect(selectorOf({ kind: 'filter', status: 'any', hostname: ' ns* ' })).toEqual({
      selector: { kind: 'filter', status: 'any', hostname: 'ns*' },
    });
    expect(selectorOf({ kind: 'filter', status: 'any', hostname: 'a b' })).toMatchObject({
      problem: /host name pattern/,
    });
  });

  it('counts the remotes each selector picks, as the console does', () => {
    const ids = (c: Parameters<typeof selectorOf>[0]) => {
      const s = selectorOf(c);
      return 'selector' in s ? previewTargets(s.selector, fleet) : s.problem;
    };
    expect(ids({ kind: 'tag', tag: 'site:ams' })).toEqual(['r-0001', 'r-0003']);
    expect(ids({ kind: 'filter', status: 'offline', hostname: '' })).toEqual(['r-0002', 'r-0003']);
    expect(ids({ kind: 'filter', status: 'online', hostname: 'ns*' })).toEqual(['r-0001']);
    expect(ids({ kind: 'selected', ids: ['r-0003', 'r-0404'] })).toEqual(['r-0003']);
  });
});
