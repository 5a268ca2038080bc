import { describe, expect, it } from 'vitest';
import { queued, transition, type DeliveryKind, type DeliveryState } from './delivery';
import { planRollout, RolloutPlan, type RolloutStep } from './rollout';

const SHA = 'c'.repeat(64);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A delivery that entered `kind` at `since`. */
function d(kind: DeliveryKind, since = 10): DeliveryState {
  const base = { attempt: 1, smtId: id(since), queuedAt: 1, since };
  switch (kind) {
    case 'sent':
      return { ...base, kind, sentAt: since };
    case 'applied':
      return { ...base, kind, sha256: SHA };
    case 'failed':
      return { ...base, kind, reason: 'zone example.com/IN: has 0 SOA records' };
    case 'rolled-back':
      return { ...base, kind, reason: 'named did not reload' };
    case 'superseded':
      return { ...base, kind, reason: 'version 2 is older than version 3' };
    case 'queued':
    case 'delivered':
    case 'expired':
    case 'cancelled':
      return { ...base, kind };
  }
}

const targets = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
const all: RolloutPlan = { kind: 'all' };
const canary2: RolloutPlan = { kind: 'canary', size: 2 };

describe('planRollout table', () => {
  const table: [string, RolloutPlan, Record<string, DeliveryState>, RolloutStep][] = [
    // A plain push.
    ['a plain push sends to every target at once', all, {}, { kind: 'send', remotes: targets }],
    [
      'a plain push starts only the targets without a delivery',
      all,
      { 'r-1': d('sent'), 'r-3': d('applied') },
      { kind: 'send', remotes: ['r-2', 'r-4', 'r-5'] },
    ],
    [
      'a plain push waits on what is under way',
      all,
      {
        'r-1': d('queued'),
        'r-2': d('sent'),
        'r-3': d('delivered'),
        'r-4': d('applied'),
        'r-5': d('failed'),
      },
      { kind: 'wait', on: ['r-1', 'r-2', 'r-3'] },
    ],
    [
      'a plain push does not halt on a failure: it is done when every target is',
      all,
      {
        'r-1': d('failed'),
        'r-2': d('applied'),
        'r-3': d('superseded'),
        'r-4': d('expired'),
        'r-5': d('cancelled'),
      },
      { kind: 'done' },
    ],
    // The canary stage.
    ['a canary push sends to the first N only', canary2, {}, { kind: 'send', remotes: ['r-1', 'r-2'] }],
    [
      'it starts a canary that has no delivery yet, and nothing else',
      canary2,
      { 'r-1': d('sent') },
      { kind: 'send', remotes: ['r-2'] },
    ],
    [
      'it waits while a canary is under way',
      canary2,
      { 'r-1': d('applied'), 'r-2': d('delivered') },
      { kind: 'wait', on: ['r-2'] },
    ],
    [
      'it goes on with the rest when every canary applied',
      canary2,
      { 'r-1': d('applied'), 'r-2': d('applied') },
      { kind: 'send', remotes: ['r-3', 'r-4', 'r-5'] },
    ],
    [
      'a canary that failed halts it at once, with the remote and its message',
      canary2,
      { 'r-1': d('sent'), 'r-2': d('failed') },
      {
        kind: 'halted',
        remote: 'r-2',
        state: 'failed',
        reason: 'canary r-2 failed: zone example.com/IN: has 0 SOA records',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'the first canary to fail, by time, is the reason',
      canary2,
      { 'r-1': d('rolled-back', 30), 'r-2': d('failed', 20) },
      {
        kind: 'halted',
        remote: 'r-2',
        state: 'failed',
        reason: 'canary r-2 failed: zone example.com/IN: has 0 SOA records',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'a rolled-back canary halts it',
      canary2,
      { 'r-1': d('applied'), 'r-2': d('rolled-back') },
      {
        kind: 'halted',
        remote: 'r-2',
        state: 'rolled-back',
        reason: 'canary r-2 rolled-back: named did not reload',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'a superseded canary proves nothing about this payload: halted',
      canary2,
      { 'r-1': d('superseded'), 'r-2': d('applied') },
      {
        kind: 'halted',
        remote: 'r-1',
        state: 'superseded',
        reason: 'canary r-1 superseded: version 2 is older than version 3',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'an expired canary halts it',
      canary2,
      { 'r-1': d('expired'), 'r-2': d('applied') },
      {
        kind: 'halted',
        remote: 'r-1',
        state: 'expired',
        reason: 'canary r-1 expired: the remote did not receive it before the deadline',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'a cancelled push halts in the canary stage and sends no more',
      canary2,
      { 'r-1': d('cancelled'), 'r-2': d('cancelled') },
      {
        kind: 'halted',
        remote: 'r-1',
        state: 'cancelled',
        reason: 'canary r-1 cancelled: cancelled before the remote received it',
        notSent: ['r-3', 'r-4', 'r-5'],
      },
    ],
    [
      'a retried canary (queued again) lifts the halt and is waited on',
      canary2,
      { 'r-1': d('applied'), 'r-2': d('queued', 40) },
      { kind: 'wait', on: ['r-2'] },
    ],
    // After the canary stage.
    [
      'after the canaries, it waits on the rest',
      canary2,
      {
        'r-1': d('applied'),
        'r-2': d('applied'),
        'r-3': d('sent'),
        'r-4': d('applied'),
        'r-5': d('delivered'),
      },
      { kind: 'wait', on: ['r-3', 'r-5'] },
    ],
    [
      'after the canaries, a failure halts it with that remote',
      canary2,
      { 'r-1': d('applied'), 'r-2': d('applied'), 'r-3': d('sent'), 'r-4': d('failed'), 'r-5': d('applied') },
      {
        kind: 'halted',
        remote: 'r-4',
        state: 'failed',
        reason: 'r-4 failed: zone example.com/IN: has 0 SOA records',
        notSent: [],
      },
    ],
    [
      'after the canaries, superseded, expired and cancelled do not halt',
      canary2,
      {
        'r-1': d('applied'),
        'r-2': d('applied'),
        'r-3': d('superseded'),
        'r-4': d('expired'),
        'r-5': d('cancelled'),
      },
      { kind: 'done' },
    ],
    [
      'it is done when every target applied',
      canary2,
      Object.fromEntries(targets.map((t) => [t, d('applied')])),
      { kind: 'done' },
    ],
    [
      'a canary as large as the fleet is the whole push, halting on failure',
      { kind: 'canary', size: 9 },
      {},
      { kind: 'send', remotes: targets },
    ],
  ];
  it.each(table)('%s', (_name, plan, states, step) => {
    expect(planRollout(plan, targets, new Map(Object.entries(states)))).toEqual(step);
  });
});

describe('planRollout driving deliveries', () => {
  it('a canary rollout runs to done, and a failing canary retried resumes it', () => {
    const deliveries = new Map<string, DeliveryState>();
    let clock = 100;
    const start = (step: RolloutStep) => {
      if (step.kind !== 'send') throw new Error(`expected send, got ${step.kind}`);
      for (const r of step.remotes) deliveries.set(r, queued(id(clock++), clock));
      return step.remotes;
    };
    const report = (r: string, state: 'applied' | 'failed') => {
      const s = deliveries.get(r);
      if (!s) throw new Error(`no delivery for ${r}`);
      deliveries.set(
        r,
        transition(
          s,
          state === 'applied'
            ? { type: 'result', ref: s.smtId, at: clock++, state, sha256: SHA }
            : { type: 'result', ref: s.smtId, at: clock++, state, reason: 'bad' },
        ),
      );
    };

    expect(start(planRollout(canary2, targets, deliveries))).toEqual(['r-1', 'r-2']);
    report('r-1', 'applied');
    report('r-2', 'failed');
    expect(planRollout(canary2, targets, deliveries)).toMatchObject({ kind: 'halted', remote: 'r-2' });

    const failed = deliveries.get('r-2');
    if (!failed) throw new Error('no delivery for r-2');
    deliveries.set('r-2', transition(failed, { type: 'retry', smtId: id(999), at: clock++ }));
    expect(planRollout(canary2, targets, deliveries)).toEqual({ kind: 'wait', on: ['r-2'] });
    report('r-2', 'applied');

    expect(start(planRollout(canary2, targets, deliveries))).toEqual(['r-3', 'r-4', 'r-5']);
    for (const r of ['r-3', 'r-4', 'r-5']) report(r, 'applied');
    expect(planRollout(canary2, targets, deliveries)).toEqual({ kind: 'done' });
  });
});

describe('RolloutPlan schema', () => {
  it('refuses a canary of zero', () => {
    expect(RolloutPlan.safeParse({ kind: 'canary', size: 0 }).success).toBe(false);
  });
});
