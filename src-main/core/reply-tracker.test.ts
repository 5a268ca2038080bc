import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '../../src-shared/protocol';
import { ReplyTracker } from './reply-tracker';

const reply = (from: string, corr?: string) =>
  makeEnvelope('reply', from, { ok: true, data: 1 }, corr === undefined ? {} : { corr });

describe('ReplyTracker', () => {
  it('matches a reply by its corr and the remote asked, once', () => {
    const t = new ReplyTracker<{ rid: string }>(2);
    const id = crypto.randomUUID();
    t.add(id, { rid: 'r-0001' });
    expect(t.match(reply('r-0001'))).toEqual({ kind: 'unknown' });
    expect(t.match(reply('r-0001', crypto.randomUUID()))).toEqual({ kind: 'unknown' });
    expect(t.match(reply('r-0002', id))).toEqual({ kind: 'impostor', asked: { rid: 'r-0001' } });
    expect(t.size).toBe(1);
    expect(t.match(reply('r-0001', id))).toEqual({ kind: 'answer', asked: { rid: 'r-0001' } });
    expect(t.match(reply('r-0001', id))).toEqual({ kind: 'unknown' });
    expect(t.size).toBe(0);
  });

  it('makes a reply to a removed query unknown, and says when it is full', () => {
    const t = new ReplyTracker<{ rid: string }>(2);
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    t.add(a, { rid: 'r-0001' });
    expect(t.full).toBe(false);
    t.add(b, { rid: 'r-0002' });
    expect(t.full).toBe(true);
    expect(t.remove(a)).toEqual({ rid: 'r-0001' });
    expect(t.remove(a)).toBeUndefined();
    expect(t.match(reply('r-0001', a))).toEqual({ kind: 'unknown' });
    expect([...t.entries()].map(([id]) => id)).toEqual([b]);
  });
});
