import { describe, expect, it } from 'vitest';
import { destinations, makeEnvelope } from '../../src-shared/protocol';
import type { LogEntry } from '../log';
import type { InboundMessage } from './connection';
import { InboundGuard, authenticatedUser } from './inbound';

const presence = (from: string) =>
  JSON.stringify(makeEnvelope('presence', from, { state: 'online', intervalMs: 2000, seq: 1 }));

function message(destination: string, body: string | undefined, user?: string, bytes = 0): InboundMessage {
  return {
    destination,
    headers: user ? { JMSXUserID: user } : {},
    body,
    bytes: body ? Buffer.byteLength(body) : bytes,
    oversized: body === undefined,
    ack: () => Promise.resolve(),
    nack: () => Promise.resolve(),
  };
}

function guard() {
  const logs: LogEntry[] = [];
  return { g: new InboundGuard('console', (e) => void logs.push(e)), logs };
}

const topic = (rid: string) => destinations.remoteTopic(rid, 'presence');

describe('InboundGuard', () => {
  it('accepts a frame whose broker-stamped user, envelope and destination agree', () => {
    const { g } = guard();
    const env = g.check(message(topic('r-0001'), presence('r-0001'), 'r-0001'), ['presence'], {
      from: 'remote',
    });
    expect(env?.from).toBe('r-0001');
    expect(g.counters().total).toBe(0);
  });

  it.each([
    ['not-json', message(topic('r-0001'), 'hello\u0000', 'r-0001')],
    ['schema', message(topic('r-0001'), presence('r-0001').replace('"online"', '"maybe"'), 'r-0001')],
    [
      'unknown-type',
      message(topic('r-0001'), presence('r-0001').replace('"presence"', '"gossip"'), 'r-0001'),
    ],
    ['unexpected-type', message(topic('r-0001'), presence('r-0001'), 'r-0001')],
    ['oversized', message(topic('r-0001'), undefined, 'r-0001', 2_000_000)],
    ['identity-mismatch', message(topic('r-0001'), presence('r-0002'), 'r-0001')],
    ['identity-mismatch', message(topic('r-0002'), presence('r-0001'), 'r-0001')],
    ['identity-mismatch', message(topic('r-0001'), presence('r-0001'))],
  ])('drops a frame for %s and counts it against the sender', (reason, msg) => {
    const { g } = guard();
    const expected = reason === 'unexpected-type' ? (['stats'] as const) : (['presence'] as const);
    expect(g.check(msg, expected, { from: 'remote' })).toBeUndefined();
    expect(g.counters()).toEqual({ total: 1, byReason: { [reason]: 1 }, byRemote: { 'r-0001': 1 } });
  });

  it('logs once per sender and reason, counts every frame', () => {
    const { g, logs } = guard();
    for (let i = 0; i < 3; i++)
      g.check(message(topic('r-0001'), 'x', 'r-0001'), ['presence'], { from: 'remote' });
    g.check(message(topic('r-0002'), 'x', 'r-0002'), ['presence'], { from: 'remote' });
    g.check(message(topic('r-0001'), presence('r-0003'), 'r-0001'), ['presence'], { from: 'remote' });
    expect(g.counters()).toEqual({
      total: 5,
      byReason: { 'not-json': 4, 'identity-mismatch': 1 },
      byRemote: { 'r-0001': 4, 'r-0002': 1 },
    });
    expect(logs.map((l) => [l.remote, l.reason])).toEqual([
      ['r-0001', 'not-json'],
      ['r-0002', 'not-json'],
      ['r-0001', 'identity-mismatch'],
    ]);
  });

  it('trusts the broker authorization for frames from consoles', () => {
    const { g } = guard();
    const env = g.check(
      message(
        '/queue/smt.remote.r-0001.query',
        JSON.stringify(makeEnvelope('query', 'lab-console', { query: 'ping' })),
        'lab-console',
      ),
      ['query'],
      { from: 'console' },
    );
    expect(env?.type).toBe('query');
  });

  it('reads a user name or the CN of a certificate DN', () => {
    expect(authenticatedUser({ JMSXUserID: 'r-0001' })).toBe('r-0001');
    expect(authenticatedUser({ JMSXUserID: 'CN=r-0001, OU=remotes, O=SMT Lab' })).toBe('r-0001');
    expect(authenticatedUser({})).toBeUndefined();
  });
});
