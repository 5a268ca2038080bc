import { describe, expect, it } from 'vitest';
import type { FindNameView } from '../../src-shared/ipc/dns-views';
import { findTransition, type FindState } from './dns-slice';

const query = { name: 'www.example.test', rrtype: 'A' as const };
const view: FindNameView = {
  name: 'www.example.test.',
  rrtype: 'A',
  askedAt: 1,
  remotes: [],
  notServing: 0,
  distinctAnswers: 0,
};

describe('findTransition', () => {
  it('takes the answer of the search in flight only', () => {
    let s: FindState = { kind: 'idle' };
    s = findTransition(s, { type: 'ask', query, seq: 1 });
    s = findTransition(s, { type: 'ask', query: { ...query, rrtype: 'MX' }, seq: 2 });
    expect(findTransition(s, { type: 'answer', seq: 1, view })).toBe(s);
    expect(findTransition(s, { type: 'fail', seq: 1, message: 'late' })).toBe(s);
    expect(findTransition(s, { type: 'answer', seq: 2, view })).toEqual({
      kind: 'answered',
      query: { ...query, rrtype: 'MX' },
      view,
    });
    expect(findTransition(s, { type: 'fail', seq: 2, message: 'no broker' })).toMatchObject({
      kind: 'failed',
      message: 'no broker',
    });
  });

  it('a malformed name is invalid and drops nothing but the state; reset goes idle', () => {
    const s = findTransition({ kind: 'idle' }, { type: 'invalid', query, message: 'empty label' });
    expect(s).toEqual({ kind: 'invalid', query, message: 'empty label' });
    // An answer after an invalid name belongs to no search in flight.
    expect(findTransition(s, { type: 'answer', seq: 1, view })).toBe(s);
    expect(findTransition(s, { type: 'reset' })).toEqual({ kind: 'idle' });
  });
});
