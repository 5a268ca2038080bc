import { describe, expect, it } from 'vitest';
import type { DeliveryKind, DeliveryState } from './delivery';
import { summarize } from './summary';

const SHA = 'b'.repeat(64);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function state(kind: DeliveryKind, n: number, sentAt?: number): DeliveryState {
  const base = { attempt: 1, smtId: id(n), queuedAt: 1, since: sentAt ?? 1, ...(sentAt ? { sentAt } : {}) };
  switch (kind) {
    case 'sent':
      return { ...base, kind, sentAt: sentAt ?? 1 };
    case 'applied':
      return { ...base, kind, sha256: SHA };
    case 'failed':
    case 'rolled-back':
      return { ...base, kind, reason: 'x' };
    case 'queued':
    case 'delivered':
    case 'superseded':
    case 'expired':
    case 'cancelled':
      return { ...base, kind };
  }
}

const zero = {
  queued: 0,
  sent: 0,
  delivered: 0,
  applied: 0,
  failed: 0,
  'rolled-back': 0,
  superseded: 0,
  expired: 0,
  cancelled: 0,
  held: 0,
};

describe('summarize', () => {
  it('counts every state, and done counts only the finished ones', () => {
    const kinds: DeliveryKind[] = [
      'queued',
      'sent',
      'delivered',
      'applied',
      'applied',
      'failed',
      'rolled-back',
      'superseded',
      'expired',
      'cancelled',
    ];
    const targets = [...kinds.map((_, i) => `r-${i}`), 'r-held'];
    const deliveries = new Map(kinds.map((k, i) => [`r-${i}`, state(k, i, k === 'sent' ? 50 : undefined)]));
    expect(summarize(targets, deliveries, 80)).toEqual({
      total: 11,
      counts: {
        ...zero,
        queued: 1,
        sent: 1,
        delivered: 1,
        applied: 2,
        failed: 1,
        'rolled-back': 1,
        superseded: 1,
        expired: 1,
        cancelled: 1,
        held: 1,
      },
      done: 7,
      waitingForRemote: { count: 1, oldest: { remote: 'r-1', sentAt: 50, ageMs: 30 } },
      isComplete: false,
    });
  });

  it('names the remote waiting longest, whatever the order', () => {
    const deliveries = new Map([
      ['r-a', state('sent', 1, 300)],
      ['r-b', state('sent', 2, 100)],
      ['r-c', state('sent', 3, 200)],
      ['r-d', state('delivered', 4, 50)],
    ]);
    expect(summarize(['r-a', 'r-b', 'r-c', 'r-d'], deliveries, 1_000).waitingForRemote).toEqual({
      count: 3,
      oldest: { remote: 'r-b', sentAt: 100, ageMs: 900 },
    });
  });

  it('is complete when every target is finished, failures included', () => {
    const deliveries = new Map([
      ['r-a', state('applied', 1)],
      ['r-b', state('failed', 2)],
    ]);
    const s = summarize(['r-a', 'r-b'], deliveries, 5);
    expect(s).toMatchObject({ done: 2, total: 2, isComplete: true, waitingForRemote: { count: 0 } });
    expect(s.waitingForRemote.oldest).toBeUndefined();
  });

  it('is not complete while a rollout holds targets back', () => {
    const s = summarize(['r-a', 'r-b'], new Map([['r-a', state('applied', 1)]]), 5);
    expect(s).toMatchObject({ done: 1, total: 2, isComplete: false, counts: { held: 1 } });
  });

  it('ignores deliveries of remotes that are not targets', () => {
    const s = summarize(['r-a'], new Map([['r-z', state('applied', 1)]]), 5);
    expect(s).toMatchObject({ total: 1, done: 0, counts: { applied: 0, held: 1 } });
  });

  it('a push without targets is complete', () => {
    expect(summarize([], new Map(), 5)).toEqual({
      total: 0,
      counts: zero,
      done: 0,
      waitingForRemote: { count: 0 },
      isComplete: true,
    });
  });

  it('a clock behind a receipt gives age 0, not a negative age', () => {
    const s = summarize(['r-a'], new Map([['r-a', state('sent', 1, 500)]]), 400);
    expect(s.waitingForRemote.oldest?.ageMs).toBe(0);
  });
});
