import { describe, expect, it } from 'vitest';
import type { LeaseSearchView } from '../../../src-shared/ipc/lease-views';
import { nextSearch, type SearchState } from './search-state';

const view: LeaseSearchView = {
  by: 'ip',
  value: '192.0.2.10',
  results: [],
  asked: ['r-0001'],
  offline: [],
  failed: [],
  truncated: [],
};

describe('nextSearch', () => {
  it('a malformed MAC is refused with what is wrong, and nothing is searching', () => {
    const s = nextSearch(
      { kind: 'idle' },
      { type: 'submit', value: '52:54:00:zz:00:01', by: undefined, seq: 1 },
    );
    expect(s).toEqual({ kind: 'refused', message: expect.stringMatching(/not a MAC address: "zz"/) });
  });

  it('a search shows what is searched for, then its answer; an older answer is dropped', () => {
    let s: SearchState = nextSearch(
      { kind: 'idle' },
      { type: 'submit', value: '192.0.2.9', by: undefined, seq: 1 },
    );
    s = nextSearch(s, { type: 'submit', value: '192.0.2.10', by: 'ip', seq: 2 });
    expect(s).toEqual({ kind: 'searching', seq: 2, label: 'ip 192.0.2.10' });
    expect(nextSearch(s, { type: 'answer', seq: 1, result: { ok: true, value: view } })).toBe(s);
    expect(nextSearch(s, { type: 'answer', seq: 2, result: { ok: true, value: view } })).toEqual({
      kind: 'done',
      view,
    });
    const refused = {
      ok: false as const,
      error: { code: 'unavailable' as const, message: 'No broker is connected' },
    };
    expect(nextSearch(s, { type: 'answer', seq: 2, result: refused })).toEqual({
      kind: 'refused',
      message: 'No broker is connected',
    });
  });
});
