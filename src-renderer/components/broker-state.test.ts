import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src-shared/ipc';
import { summarizeBroker } from './broker-state';

const brokers = [
  { name: 'primary', url: 'stomp+ssl://127.0.0.1:1' },
  { name: 'secondary', url: 'stomp+ssl://127.0.0.1:2' },
];
const status = (state: ConnectionStatus['state']): ConnectionStatus => ({
  brokers,
  state,
  lastFailoverAt: null,
  consoleId: 'c1',
});

describe('summarizeBroker', () => {
  it('names the broker and how long it has been connected', () => {
    const s = summarizeBroker(status({ kind: 'connected', broker: 1, since: 0 }), 125_000);
    expect(s).toMatchObject({ tone: 'ok', label: 'Connected', broker: brokers[1] });
    expect(s.detail).toMatch(/\(2 min\)$/);
  });

  it('counts connection attempts and backoff down to the retry', () => {
    expect(summarizeBroker(status({ kind: 'connecting', broker: 0, attempt: 3, since: 0 }), 0)).toMatchObject(
      {
        tone: 'busy',
        broker: brokers[0],
        detail: 'attempt 3',
      },
    );
    const backoff = summarizeBroker(
      status({ kind: 'backoff', attempt: 2, retryAt: 5_000, lastError: 'ECONNREFUSED', lastBroker: 1 }),
      2_500,
    );
    expect(backoff).toMatchObject({ tone: 'warn', broker: brokers[1], detail: 'retry in 3 s (attempt 2)' });
  });

  it('says when it failed or has not started', () => {
    expect(summarizeBroker(status({ kind: 'failed', lastError: 'x', at: 0 }), 0).tone).toBe('bad');
    expect(summarizeBroker(status({ kind: 'idle' }), 0).label).toBe('Not connected');
    expect(summarizeBroker(null, 0).label).toBe('Waiting for the console');
  });
});
