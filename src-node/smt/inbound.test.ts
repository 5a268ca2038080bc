import { describe, expect, it } from 'vitest';
import { channels, destinations, makeEnvelope } from '../../src-shared/protocol';
import type { LogEntry } from '../log';
import type { InboundMessage } from './connection';
import { InboundGuard, RATE_LOG_WINDOW_MS, authenticatedUser } from './inbound';
import { SenderBuckets } from './rate-limit';

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
    const checked = g.check(message(topic('r-0001'), presence('r-0001'), 'r-0001'), channels.presence);
    expect(checked.ok && checked.envelope.from).toBe('r-0001');
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
    const channel = reason === 'unexpected-type' ? channels.stats : channels.presence;
    expect(g.check(msg, channel)).toEqual({ ok: false, rejection: expect.objectContaining({ reason }) });
    expect(g.counters()).toEqual({ total: 1, byReason: { [reason]: 1 }, byRemote: { 'r-0001': 1 } });
  });

  it('logs once per sender and reason, counts every frame', () => {
    const { g, logs } = guard();
    for (let i = 0; i < 3; i++) g.check(message(topic('r-0001'), 'x', 'r-0001'), channels.presence);
    g.check(message(topic('r-0002'), 'x', 'r-0002'), channels.presence);
    g.check(message(topic('r-0001'), presence('r-0003'), 'r-0001'), channels.presence);
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

  it("drops a frame over its sender's rate before decoding it, and logs the flood once per window", () => {
    const logs: LogEntry[] = [];
    let now = 0;
    const g = new InboundGuard(
      'console',
      (e) => void logs.push(e),
      () => now,
    );
    const rate = new SenderBuckets({ perSecond: 1, burst: 2 });
    const take = (rid: string, body = presence(rid)) =>
      g.check(message(topic(rid), body, rid), channels.presence, { rate }).ok;
    expect(take('r-0001')).toBe(true);
    // Garbage takes a token too: the limit is on frames, checked before any parsing.
    expect(take('r-0001', 'not json')).toBe(false);
    for (let i = 0; i < 5; i++) expect(take('r-0001')).toBe(false);
    expect(take('r-0002')).toBe(true);
    // A window later the bucket is full again: the burst passes, the next frame is dropped and noticed.
    now = RATE_LOG_WINDOW_MS;
    expect([take('r-0001'), take('r-0001'), take('r-0001')]).toEqual([true, true, false]);
    expect(g.counters()).toEqual({
      total: 7,
      byReason: { 'not-json': 1, 'rate-limited': 6 },
      byRemote: { 'r-0001': 7 },
    });
    const notices = logs.filter((l) => l.reason === 'rate-limited');
    expect(notices.map((l) => [l.remote, l.droppedInLastWindow])).toEqual([
      ['r-0001', undefined],
      ['r-0001', 5],
    ]);
    expect(notices[0]?.msg).toBe(
      'console: dropping frames from r-0001 over its rate (over 1 frames/s (burst 2))',
    );
  });

  it('counts a sender whatever its name', () => {
    const { g } = guard();
    for (const user of ['__proto__', 'constructor', 'hasOwnProperty']) {
      g.check(message(topic('r-0001'), 'x', user), channels.presence);
    }
    expect(g.counters().byRemote).toEqual(
      JSON.parse('{"__proto__": 1, "constructor": 1, "hasOwnProperty": 1}'),
    );
  });

  const query = (replyTo?: string) => {
    const msg = message(
      '/queue/smt.remote.r-0001.query',
      JSON.stringify(makeEnvelope('query', 'lab-console', { query: 'ping' })),
      'lab-console',
    );
    return { ...msg, headers: { ...msg.headers, ...(replyTo ? { 'reply-to': replyTo } : {}) } };
  };

  it('trusts the broker authorization for frames from consoles', () => {
    const { g } = guard();
    const checked = g.check(query('/queue/smt.console.lab-console.reply.abcdefghijkl'), channels.query);
    expect(checked.ok && checked.envelope.type).toBe('query');
  });

  it.each([undefined, '/queue/lab-console.reply', '/topic/smt.stats.r-0001'])(
    'drops a query whose reply-to is %s before reading it',
    (replyTo) => {
      const { g } = guard();
      expect(g.check(query(replyTo), channels.query)).toEqual({
        ok: false,
        rejection: expect.objectContaining({ reason: 'bad-reply-to', sender: 'lab-console' }),
      });
    },
  );

  it('reads a user name or the CN of a certificate DN', () => {
    expect(authenticatedUser({ JMSXUserID: 'r-0001' })).toBe('r-0001');
    expect(authenticatedUser({ JMSXUserID: 'CN=r-0001, OU=remotes, O=SMT Lab' })).toBe('r-0001');
    expect(authenticatedUser({})).toBeUndefined();
  });
});
