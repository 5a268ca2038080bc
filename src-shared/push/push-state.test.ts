import { describe, expect, it } from 'vitest';
import {
  fromColumns,
  plannedEvent,
  pushStates,
  toColumns,
  transition,
  type PushEvent,
  type PushStatus,
} from './push-state';

/** One state of each kind; the halted one stopped for reason A. */
const sample = {
  open: { kind: 'open' },
  'halted(A)': { kind: 'halted', reason: 'canary r-1 failed: A' },
  cancelled: { kind: 'cancelled' },
  done: { kind: 'done' },
} satisfies Record<string, PushStatus>;
type StateName = keyof typeof sample;

const events = {
  cancel: { type: 'cancel' },
  retry: { type: 'retry', retried: 2 },
  'retry(none)': { type: 'retry', retried: 0 },
  underWay: { type: 'underWay' },
  'halt(A)': { type: 'halt', reason: 'canary r-1 failed: A' },
  'halt(B)': { type: 'halt', reason: 'r-2 rolled-back: B' },
  finished: { type: 'finished' },
} satisfies Record<string, PushEvent>;
type EventName = keyof typeof events;

/**
 * THE SPEC: every state × every event. A name is where the push goes; '=' means the very same object
 * comes back (nothing changed, nothing to store or log). The columns:
 *   cancel                 the admin withdraws the push
 *   retry, retry(none)     the admin retried; some deliveries got a new attempt, or none could
 *   underWay               the planner starts a stage or waits on deliveries under way
 *   halt(A), halt(B)       the planner halts the rollout, for the reason it is halted for, or another
 *   finished               the planner finds every target done
 */
const _ = '=' as const;
type Cell = StateName | 'halted(B)' | typeof _;
const spec: Record<StateName, Record<EventName, Cell>> = {
  // prettier-ignore
  open: {
    cancel: 'cancelled', retry: _, 'retry(none)': _,
    underWay: _, 'halt(A)': 'halted(A)', 'halt(B)': 'halted(B)', finished: 'done',
  },
  // A retried canary lifts the halt; the planner halts it again if it fails again.
  // prettier-ignore
  'halted(A)': {
    cancel: 'cancelled', retry: 'open', 'retry(none)': _,
    underWay: 'open', 'halt(A)': _, 'halt(B)': 'halted(B)', finished: 'done',
  },
  // Only the admin reopens a cancelled push: the planner starts no stage once it is cancelled.
  // prettier-ignore
  cancelled: {
    cancel: _, retry: 'open', 'retry(none)': _,
    underWay: _, 'halt(A)': _, 'halt(B)': _, finished: _,
  },
  // Nothing to withdraw, so a cancel leaves it done; a late report (a rollback, an expired delivery the
  // remote had after all) reopens or halts it.
  // prettier-ignore
  done: {
    cancel: _, retry: 'open', 'retry(none)': _,
    underWay: 'open', 'halt(A)': 'halted(A)', 'halt(B)': 'halted(B)', finished: _,
  },
};

const named = (s: PushStatus): string =>
  s.kind !== 'halted' ? s.kind : s.reason === events['halt(B)'].reason ? 'halted(B)' : 'halted(A)';

describe('push transition: the state × event table', () => {
  it('covers every state and every event', () => {
    expect([...new Set(Object.values(sample).map((s) => s.kind))].sort()).toEqual([...pushStates].sort());
    for (const row of Object.values(spec))
      expect(Object.keys(row).sort()).toEqual(Object.keys(events).sort());
  });

  const cells = Object.entries(spec).flatMap(([from, row]) =>
    Object.entries(row).map(([event, to]) => [from as StateName, event as EventName, to] as const),
  );
  it.each(cells)('%s + %s → %s', (from, event, to) => {
    const s: PushStatus = sample[from];
    const next = transition(s, events[event]);
    if (to === _) expect(next).toBe(s);
    else expect(named(next)).toBe(to);
  });
});

describe('plannedEvent', () => {
  it('turns each rollout step into the push event it means', () => {
    expect(plannedEvent({ kind: 'send', remotes: ['r-1'] })).toEqual({ type: 'underWay' });
    expect(plannedEvent({ kind: 'wait', on: ['r-1'] })).toEqual({ type: 'underWay' });
    expect(
      plannedEvent({
        kind: 'halted',
        remote: 'r-1',
        state: 'failed',
        reason: 'canary r-1 failed: x',
        notSent: [],
      }),
    ).toEqual({ type: 'halt', reason: 'canary r-1 failed: x' });
    expect(plannedEvent({ kind: 'done' })).toEqual({ type: 'finished' });
  });
});

describe('push state columns', () => {
  it('reads back every state as the outbox stores it, the reason only with a halt', () => {
    for (const s of Object.values(sample)) expect(fromColumns(toColumns(s))).toEqual(s);
    expect(toColumns(sample.open)).toEqual({ state: 'open', haltReason: null });
    expect(toColumns(sample['halted(A)'])).toEqual({ state: 'halted', haltReason: 'canary r-1 failed: A' });
  });
});
