import { describe, expect, it } from 'vitest';
import {
  DeliveryState,
  deliveryKinds,
  queued,
  resultEvent,
  transition,
  type DeliveryEvent,
  type DeliveryKind,
} from './delivery';

/** An earlier attempt's smt-id: its late receipts and results must not touch the current attempt. */
const ID0 = '00000000-0000-4000-8000-000000000000';
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';
const ID3 = '00000000-0000-4000-8000-000000000003';
const SHA = 'a'.repeat(64);

/** One state of each kind, all for attempt 1 (smt-id ID1), queued at 10 and sent at 20 where it was. */
const sample: Record<DeliveryKind, DeliveryState> = {
  queued: { kind: 'queued', attempt: 1, smtId: ID1, queuedAt: 10, since: 10 },
  sent: { kind: 'sent', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: 20 },
  delivered: {
    kind: 'delivered',
    attempt: 1,
    smtId: ID1,
    queuedAt: 10,
    sentAt: 20,
    deliveredAt: 30,
    since: 30,
  },
  applied: { kind: 'applied', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: 40, sha256: SHA },
  failed: { kind: 'failed', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: 40, reason: 'bad zone' },
  'rolled-back': {
    kind: 'rolled-back',
    attempt: 1,
    smtId: ID1,
    queuedAt: 10,
    sentAt: 20,
    since: 50,
    reason: 'named did not come up',
  },
  superseded: {
    kind: 'superseded',
    attempt: 1,
    smtId: ID1,
    queuedAt: 10,
    sentAt: 20,
    since: 40,
    reason: 'v3 > v2',
  },
  expired: { kind: 'expired', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: 90 },
  cancelled: { kind: 'cancelled', attempt: 1, smtId: ID1, queuedAt: 10, since: 15 },
};

const at = 100;
const events = {
  receipt: { type: 'sendReceipted', smtId: ID1, at },
  'receipt(old)': { type: 'sendReceipted', smtId: ID0, at },
  delivered: { type: 'result', ref: ID1, at, state: 'delivered' },
  applied: { type: 'result', ref: ID1, at, state: 'applied', sha256: SHA },
  failed: { type: 'result', ref: ID1, at, state: 'failed', reason: 'bad zone' },
  superseded: { type: 'result', ref: ID1, at, state: 'superseded', reason: 'older' },
  'rolled-back': { type: 'result', ref: ID1, at, state: 'rolled-back', reason: 'reverted' },
  'applied(old)': { type: 'result', ref: ID0, at, state: 'applied', sha256: SHA },
  cancel: { type: 'cancel', at },
  expire: { type: 'expire', at },
  retry: { type: 'retry', smtId: ID2, at },
  resend: { type: 'resendAfterReconnect', at },
} satisfies Record<string, DeliveryEvent>;
type EventName = keyof typeof events;

/**
 * THE SPEC: every state × every event. A kind is where the delivery goes; '=' means the very same object
 * comes back (nothing changed, nothing to store). The columns:
 *   receipt       broker receipt for this attempt's smt-id
 *   receipt(old)  receipt for an earlier attempt's smt-id
 *   delivered … rolled-back   the remote's result for this attempt
 *   applied(old)  a result for an earlier attempt
 *   cancel, expire, retry (with a new smt-id), resend (after a reconnect)
 */
const _ = '=' as const;
type Cell = DeliveryKind | typeof _;
const spec: Record<DeliveryKind, Record<EventName, Cell>> = {
  // prettier-ignore
  queued: {
    receipt: 'sent', 'receipt(old)': _,
    delivered: 'delivered', applied: 'applied', failed: 'failed', superseded: 'superseded', 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: 'cancelled', expire: 'expired', retry: _, resend: _,
  },
  // prettier-ignore
  sent: {
    receipt: _, 'receipt(old)': _,
    delivered: 'delivered', applied: 'applied', failed: 'failed', superseded: 'superseded', 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: 'cancelled', expire: 'expired', retry: _, resend: _,
  },
  // The remote has it: too late to cancel or expire; only a final result moves it.
  // prettier-ignore
  delivered: {
    receipt: _, 'receipt(old)': _,
    delivered: _, applied: 'applied', failed: 'failed', superseded: 'superseded', 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: _, expire: _, retry: _, resend: _,
  },
  // A late or repeated 'delivered' (or another final result) never moves it back; a rollback does.
  // prettier-ignore
  applied: {
    receipt: _, 'receipt(old)': _,
    delivered: _, applied: _, failed: _, superseded: _, 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: _, expire: _, retry: _, resend: _,
  },
  // prettier-ignore
  failed: {
    receipt: _, 'receipt(old)': _,
    delivered: _, applied: _, failed: _, superseded: _, 'rolled-back': _,
    'applied(old)': _, cancel: _, expire: _, retry: 'queued', resend: _,
  },
  // prettier-ignore
  'rolled-back': {
    receipt: _, 'receipt(old)': _,
    delivered: _, applied: _, failed: _, superseded: _, 'rolled-back': _,
    'applied(old)': _, cancel: _, expire: _, retry: 'queued', resend: _,
  },
  // A newer version is on the remote: retrying this one would be superseded again.
  // prettier-ignore
  superseded: {
    receipt: _, 'receipt(old)': _,
    delivered: _, applied: _, failed: _, superseded: _, 'rolled-back': _,
    'applied(old)': _, cancel: _, expire: _, retry: _, resend: _,
  },
  // The console gave up, but the remote's report of this attempt is what it serves, so it wins.
  // prettier-ignore
  expired: {
    receipt: _, 'receipt(old)': _,
    delivered: 'delivered', applied: 'applied', failed: 'failed', superseded: 'superseded', 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: _, expire: _, retry: 'queued', resend: _,
  },
  // The remote got it before the cancel: its report wins over 'cancelled'.
  // prettier-ignore
  cancelled: {
    receipt: _, 'receipt(old)': _,
    delivered: 'delivered', applied: 'applied', failed: 'failed', superseded: 'superseded', 'rolled-back': 'rolled-back',
    'applied(old)': _, cancel: _, expire: _, retry: 'queued', resend: _,
  },
};

describe('delivery transition: the state × event table', () => {
  it('covers every state and every event', () => {
    expect(Object.keys(spec).sort()).toEqual([...deliveryKinds].sort());
    for (const row of Object.values(spec))
      expect(Object.keys(row).sort()).toEqual(Object.keys(events).sort());
    for (const [kind, s] of Object.entries(sample)) expect(s.kind).toBe(kind);
  });

  const cells = Object.entries(spec).flatMap(([from, row]) =>
    Object.entries(row).map(([event, to]) => [from as DeliveryKind, event as EventName, to] as const),
  );
  it.each(cells)('%s + %s → %s', (from, event, to) => {
    const s = sample[from];
    const next = transition(s, events[event]);
    if (to === _) expect(next).toBe(s);
    else {
      expect(next.kind).toBe(to);
      expect(DeliveryState.parse(next)).toEqual(next);
    }
  });
});

describe('delivery transition: what each move records', () => {
  const table: [string, DeliveryState, DeliveryEvent, DeliveryState][] = [
    [
      'a receipt marks it sent at the receipt',
      sample.queued,
      events.receipt,
      { ...sample.queued, kind: 'sent', sentAt: at, since: at },
    ],
    [
      'delivered keeps when it was sent',
      sample.sent,
      events.delivered,
      { kind: 'delivered', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, deliveredAt: at, since: at },
    ],
    [
      'applied keeps when it was sent and delivered',
      sample.delivered,
      events.applied,
      {
        kind: 'applied',
        attempt: 1,
        smtId: ID1,
        queuedAt: 10,
        sentAt: 20,
        deliveredAt: 30,
        since: at,
        sha256: SHA,
      },
    ],
    [
      'applied overtaking delivered has no delivered time',
      sample.sent,
      events.applied,
      { kind: 'applied', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: at, sha256: SHA },
    ],
    [
      'a result overtaking the receipt has no sent time',
      sample.queued,
      events.failed,
      { kind: 'failed', attempt: 1, smtId: ID1, queuedAt: 10, since: at, reason: 'bad zone' },
    ],
    [
      'a rollback after apply drops the hash: the remote no longer serves it',
      sample.applied,
      events['rolled-back'],
      {
        kind: 'rolled-back',
        attempt: 1,
        smtId: ID1,
        queuedAt: 10,
        sentAt: 20,
        since: at,
        reason: 'reverted',
      },
    ],
    [
      'superseded without a reason',
      sample.sent,
      { type: 'result', ref: ID1, at, state: 'superseded' },
      { kind: 'superseded', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: at },
    ],
    [
      'cancelling a sent delivery keeps when it was sent',
      sample.sent,
      events.cancel,
      { kind: 'cancelled', attempt: 1, smtId: ID1, queuedAt: 10, sentAt: 20, since: at },
    ],
    [
      'expiring a queued delivery: it never reached the broker',
      sample.queued,
      events.expire,
      { kind: 'expired', attempt: 1, smtId: ID1, queuedAt: 10, since: at },
    ],
    [
      'an applied report after a cancel wins',
      sample.cancelled,
      events.applied,
      { kind: 'applied', attempt: 1, smtId: ID1, queuedAt: 10, since: at, sha256: SHA },
    ],
    [
      'a retry is a new attempt with a new smt-id and none of the old times',
      { ...sample.failed, attempt: 2, smtId: ID2 },
      { type: 'retry', smtId: ID3, at },
      { kind: 'queued', attempt: 3, smtId: ID3, queuedAt: at, since: at },
    ],
  ];
  it.each(table)('%s', (_name, from, event, to) => {
    expect(transition(from, event)).toEqual(to);
  });

  it('a retry that reuses the smt-id is ignored: the agent would answer it from its ledger', () => {
    expect(transition(sample.failed, { type: 'retry', smtId: ID1, at })).toBe(sample.failed);
  });

  it('after a retry, the old attempt’s late receipt and results do not touch the new one', () => {
    const retried = transition(sample.cancelled, events.retry);
    expect(transition(retried, events.receipt)).toBe(retried);
    expect(transition(retried, events.applied)).toBe(retried);
    expect(transition(retried, { type: 'sendReceipted', smtId: ID2, at: 200 }).kind).toBe('sent');
  });
});

describe('delivery transition: an at-least-once stream of results', () => {
  const fold = (s: DeliveryState, es: DeliveryEvent[]) => es.reduce(transition, s);
  const r = (state: 'delivered' | 'applied', t: number): DeliveryEvent =>
    state === 'applied'
      ? { type: 'result', ref: ID1, at: t, state, sha256: SHA }
      : { type: 'result', ref: ID1, at: t, state };

  it('ends applied whatever the order and repetition of delivered and applied', () => {
    const orders: DeliveryEvent[][] = [
      [r('delivered', 3), r('applied', 4)],
      [r('applied', 4), r('delivered', 3)],
      [r('delivered', 3), r('applied', 4), r('delivered', 5), r('applied', 6)],
      [r('applied', 4), r('applied', 6), r('delivered', 7)],
    ];
    for (const es of orders) {
      const end = fold(queued(ID1, 1), [{ type: 'sendReceipted', smtId: ID1, at: 2 }, ...es]);
      expect(end).toMatchObject({ kind: 'applied', since: 4, sentAt: 2, sha256: SHA });
    }
  });

  it('a reconnect between send and result changes nothing', () => {
    const sent = transition(queued(ID1, 1), { type: 'sendReceipted', smtId: ID1, at: 2 });
    expect(transition(sent, { type: 'resendAfterReconnect', at: 3 })).toBe(sent);
  });
});

describe('resultEvent', () => {
  const body = { ref: ID1 };
  it('turns each result state into its event', () => {
    expect(resultEvent({ ...body, state: 'delivered' }, 5)).toEqual({
      ok: true,
      event: { type: 'result', ref: ID1, at: 5, state: 'delivered' },
    });
    expect(resultEvent({ ...body, state: 'applied', sha256: SHA }, 5)).toEqual({
      ok: true,
      event: { type: 'result', ref: ID1, at: 5, state: 'applied', sha256: SHA },
    });
    expect(resultEvent({ ...body, state: 'rolled-back', reason: 'x' }, 5)).toEqual({
      ok: true,
      event: { type: 'result', ref: ID1, at: 5, state: 'rolled-back', reason: 'x' },
    });
    expect(resultEvent({ ...body, state: 'superseded' }, 5)).toEqual({
      ok: true,
      event: { type: 'result', ref: ID1, at: 5, state: 'superseded' },
    });
  });
  it('refuses an applied result without the hash of what is served', () => {
    expect(resultEvent({ ...body, state: 'applied' }, 5)).toEqual({
      ok: false,
      error: `an applied result for ${ID1} carries no sha256 of what the remote serves`,
    });
  });
  it('refuses a failure without a reason', () => {
    expect(resultEvent({ ...body, state: 'failed', reason: '' }, 5)).toEqual({
      ok: false,
      error: `a failed result for ${ID1} carries no reason`,
    });
  });
});

describe('DeliveryState schema', () => {
  it('reads back every sample as stored', () => {
    for (const s of Object.values(sample))
      expect(DeliveryState.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });
  it('refuses a sent state without its receipt time', () => {
    const { sentAt: _drop, ...noTime } = sample.sent;
    expect(DeliveryState.safeParse(noTime).success).toBe(false);
  });
});
