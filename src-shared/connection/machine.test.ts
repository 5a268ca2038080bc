import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultMachineConfig, transition, type ConnEvent, type ConnState } from './machine';

const cfg = { ...defaultMachineConfig(2), jitterRatio: 0 };
const fail = (at: number, auth = false): ConnEvent => ({
  type: 'openFailed',
  at,
  error: 'ECONNREFUSED',
  auth,
  jitter: 0.5,
});

describe('connection machine transition table', () => {
  const table: [string, ConnState, ConnEvent, ConnState][] = [
    [
      'start begins with the primary',
      { kind: 'idle' },
      { type: 'start', at: 1 },
      { kind: 'connecting', broker: 0, attempt: 1, since: 1 },
    ],
    [
      'opened connects to the broker tried',
      { kind: 'connecting', broker: 1, attempt: 2, since: 1 },
      { type: 'opened', at: 5 },
      { kind: 'connected', broker: 1, since: 5 },
    ],
    [
      'a failed primary falls through to the secondary',
      { kind: 'connecting', broker: 0, attempt: 1, since: 1 },
      fail(2),
      { kind: 'connecting', broker: 1, attempt: 1, since: 2 },
    ],
    [
      'a failed round backs off',
      { kind: 'connecting', broker: 1, attempt: 1, since: 1 },
      fail(2),
      { kind: 'backoff', attempt: 1, retryAt: 102, lastError: 'ECONNREFUSED', lastBroker: 1 },
    ],
    [
      'backoff grows with the attempt',
      { kind: 'connecting', broker: 1, attempt: 3, since: 1 },
      fail(10),
      { kind: 'backoff', attempt: 3, retryAt: 510, lastError: 'ECONNREFUSED', lastBroker: 1 },
    ],
    [
      'a refused certificate waits the auth retry and skips the other broker',
      { kind: 'connecting', broker: 0, attempt: 1, since: 1 },
      fail(2, true),
      { kind: 'backoff', attempt: 1, retryAt: 30_002, lastError: 'ECONNREFUSED', lastBroker: 0 },
    ],
    [
      'retry due starts a new round at the primary',
      { kind: 'backoff', attempt: 2, retryAt: 9, lastError: 'x', lastBroker: 1 },
      { type: 'retryDue', at: 9 },
      { kind: 'connecting', broker: 0, attempt: 3, since: 9 },
    ],
    [
      'losing a session reconnects at once, primary first',
      { kind: 'connected', broker: 1, since: 1 },
      { type: 'lost', at: 7, error: 'heart-beat missed' },
      { kind: 'connecting', broker: 0, attempt: 1, since: 7 },
    ],
    [
      'a session lost while connecting counts as a failed open',
      { kind: 'connecting', broker: 0, attempt: 1, since: 1 },
      { type: 'lost', at: 3, error: 'closed' },
      { kind: 'connecting', broker: 1, attempt: 1, since: 3 },
    ],
    [
      'stop from connected goes idle',
      { kind: 'connected', broker: 0, since: 1 },
      { type: 'stop' },
      { kind: 'idle' },
    ],
    [
      'stop from backoff goes idle',
      { kind: 'backoff', attempt: 1, retryAt: 9, lastError: 'x', lastBroker: 0 },
      { type: 'stop' },
      { kind: 'idle' },
    ],
    [
      'a late retry timer in connected changes nothing',
      { kind: 'connected', broker: 0, since: 1 },
      { type: 'retryDue', at: 9 },
      { kind: 'connected', broker: 0, since: 1 },
    ],
    ['opened while idle is ignored', { kind: 'idle' }, { type: 'opened', at: 3 }, { kind: 'idle' }],
    [
      'failed can be started again',
      { kind: 'failed', lastError: 'x', at: 1 },
      { type: 'start', at: 2 },
      { kind: 'connecting', broker: 0, attempt: 1, since: 2 },
    ],
  ];
  it.each(table)('%s', (_name, from, event, to) => {
    expect(transition(cfg, from, event)).toEqual(to);
  });

  it('gives up after maxAttempts rounds when asked to', () => {
    const once = { ...cfg, maxAttempts: 1 };
    expect(transition(once, { kind: 'connecting', broker: 1, attempt: 1, since: 0 }, fail(4))).toEqual({
      kind: 'failed',
      lastError: 'ECONNREFUSED',
      at: 4,
    });
  });

  it('a single-broker profile backs off after its only broker', () => {
    const single = { ...cfg, brokerCount: 1 };
    expect(transition(single, { kind: 'connecting', broker: 0, attempt: 1, since: 0 }, fail(4)).kind).toBe(
      'backoff',
    );
  });
});

describe('backoffDelay', () => {
  const jittered = defaultMachineConfig(2);
  it('caps at the last table entry', () => {
    expect(backoffDelay({ ...jittered, jitterRatio: 0 }, 99, 0.5)).toBe(3000);
  });
  it('spreads by the jitter ratio in both directions', () => {
    expect(backoffDelay(jittered, 4, 0)).toBe(750);
    expect(backoffDelay(jittered, 4, 1)).toBe(1250);
    expect(backoffDelay(jittered, 4, 0.5)).toBe(1000);
  });
  it('retries about once a second through a failover, then backs off to 3 s', () => {
    const plain = { ...jittered, jitterRatio: 0 };
    const delays = Array.from({ length: 13 }, (_, i) => backoffDelay(plain, i + 1, 0.5));
    expect(delays).toEqual([100, 250, 500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 3000, 3000]);
  });
  it('clamps a jitter outside 0..1', () => {
    expect(backoffDelay(jittered, 1, 7)).toBe(backoffDelay(jittered, 1, 1));
  });
});
