import { describe, expect, it } from 'vitest';
import {
  CONNECTED_TWICE,
  messageFate,
  sendsFrames,
  sessionKinds,
  transition,
  type SessionEvent,
  type SessionState,
} from './session-state';

/** One state of each kind, and a session waiting for its last receipt. */
const sample = {
  handshaking: { kind: 'handshaking' },
  'subscribing(2)': { kind: 'subscribing', unconfirmed: 2 },
  'subscribing(1)': { kind: 'subscribing', unconfirmed: 1 },
  open: { kind: 'open' },
  failed: { kind: 'failed', cause: 'earlier' },
  closed: { kind: 'closed', cause: 'earlier' },
} satisfies Record<string, SessionState>;
type SampleName = keyof typeof sample;

const events = {
  'connected(0)': { type: 'connected', subscriptions: 0 },
  'connected(2)': { type: 'connected', subscriptions: 2 },
  subscribed: { type: 'subscribed' },
  end: { type: 'end', cause: 'heart-beat missed' },
} satisfies Record<string, SessionEvent>;
type EventName = keyof typeof events;

/**
 * THE SPEC: every state × every event. A cell is the state the session goes to; '=' means the very same
 * object comes back.
 */
const _ = '=' as const;
const failed = (cause: string): SessionState => ({ kind: 'failed', cause });
const closed = (cause: string): SessionState => ({ kind: 'closed', cause });
const lost = events.end.cause;
const spec: Record<SampleName, Record<EventName, SessionState | typeof _>> = {
  // prettier-ignore
  handshaking: {
    'connected(0)': sample.open, 'connected(2)': sample['subscribing(2)'], subscribed: _, end: failed(lost),
  },
  // A second CONNECTED means the broker repeated a frame: the session is not used.
  // prettier-ignore
  'subscribing(2)': {
    'connected(0)': failed(CONNECTED_TWICE), 'connected(2)': failed(CONNECTED_TWICE),
    subscribed: sample['subscribing(1)'], end: failed(lost),
  },
  // prettier-ignore
  'subscribing(1)': {
    'connected(0)': failed(CONNECTED_TWICE), 'connected(2)': failed(CONNECTED_TWICE),
    subscribed: sample.open, end: failed(lost),
  },
  // A subscription applied once open sends no `subscribed`; one that did would change nothing.
  // prettier-ignore
  open: {
    'connected(0)': closed(CONNECTED_TWICE), 'connected(2)': closed(CONNECTED_TWICE), subscribed: _, end: closed(lost),
  },
  // Ended is ended: the first cause stands.
  // prettier-ignore
  failed: { 'connected(0)': _, 'connected(2)': _, subscribed: _, end: _ },
  // prettier-ignore
  closed: { 'connected(0)': _, 'connected(2)': _, subscribed: _, end: _ },
};

describe('session transition: the state × event table', () => {
  it('covers every kind of state and every event', () => {
    expect(new Set(Object.values(sample).map((s) => s.kind))).toEqual(new Set(sessionKinds));
    expect(Object.keys(spec).sort()).toEqual(Object.keys(sample).sort());
    for (const row of Object.values(spec))
      expect(Object.keys(row).sort()).toEqual(Object.keys(events).sort());
  });

  const cells = Object.entries(spec).flatMap(([from, row]) =>
    Object.entries(row).map(([event, to]) => [from as SampleName, event as EventName, to] as const),
  );
  it.each(cells)('%s + %s → %j', (from, event, to) => {
    const s = sample[from];
    const next = transition(s, events[event]);
    if (to === _) expect(next).toBe(s);
    else expect(next).toEqual(to);
  });
});

describe('what a session may do in each state', () => {
  // prettier-ignore
  const table: [SampleName, boolean, ReturnType<typeof messageFate>][] = [
    ['handshaking',    false, 'hold'],
    ['subscribing(2)', true,  'hold'],
    ['open',           true,  'deliver'],
    ['failed',         false, 'drop'],
    ['closed',         false, 'deliver'],
  ];
  it('covers every kind', () => {
    expect(new Set(table.map(([name]) => sample[name].kind))).toEqual(new Set(sessionKinds));
  });
  it.each(table)('%s: sends frames %s, a message read is %s', (name, frames, fate) => {
    expect(sendsFrames(sample[name])).toBe(frames);
    expect(messageFate(sample[name])).toBe(fate);
  });
});
