import { describe, expect, it } from 'vitest';
import { decodeEnvelope, makeEnvelope, channelTypes, bodySchemas } from './index';
import {
  consoleReplyQueuePattern,
  destinations,
  newReplySession,
  remoteIdOfDestination,
  replySessionPattern,
} from './destinations';
import { stompHeadersFor } from './channels';

const stats = {
  seq: 3,
  localTime: '2026-11-25T10:00:00+01:00',
  uptimeS: 100,
  load: [0.1, 0.2, 0.3],
  cpuPct: 12.5,
  mem: { usedBytes: 1, totalBytes: 2 },
  disk: { usedBytes: 1, totalBytes: 2 },
  processes: [{ name: 'named', running: true, pid: 42, uptimeS: 90 }],
};
const good = () => makeEnvelope('stats', 'r-0001', stats as never);

describe('decodeEnvelope', () => {
  it('accepts a good frame of an expected type', () => {
    const r = decodeEnvelope(JSON.stringify(good()), ['stats', 'presence']);
    expect(r.ok && r.envelope.body).toMatchObject({ seq: 3 });
  });

  const bad: [string, string, string][] = [
    ['not JSON', '{"v":1,', 'not-json'],
    ['a JSON array', '[1,2]', 'not-json'],
    ['a JSON string', '"hello"', 'not-json'],
    ['another protocol version', JSON.stringify({ ...good(), v: 2 }), 'unsupported-version'],
    ['an unknown type', JSON.stringify({ ...good(), type: 'telemetry' }), 'unknown-type'],
    [
      'a type not expected on this subscription',
      JSON.stringify(makeEnvelope('presence', 'r-0001', { state: 'online', intervalMs: 2000, seq: 1 })),
      'unexpected-type',
    ],
    [
      'a body that breaks its schema',
      JSON.stringify({ ...good(), body: { ...stats, cpuPct: 140 } }),
      'schema',
    ],
    ['a missing body', JSON.stringify({ ...good(), body: undefined }), 'schema'],
    ['an unknown envelope field', JSON.stringify({ ...good(), extra: 1 }), 'schema'],
    ['a sender id with a wildcard', JSON.stringify({ ...good(), from: 'r.>' }), 'schema'],
    ['an id that is not a uuid', JSON.stringify({ ...good(), id: 'abc' }), 'schema'],
  ];
  it.each(bad)('rejects %s', (_name, raw, reason) => {
    const r = decodeEnvelope(raw, ['stats']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail.length).toBeGreaterThan(0);
    }
  });

  it('rejects an oversized body before parsing it', () => {
    const raw = JSON.stringify({ ...good(), pad: 'x'.repeat(2000) });
    const r = decodeEnvelope(raw, ['stats'], 1000);
    expect(r).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it('counts multi-byte characters by their UTF-8 size', () => {
    const raw = JSON.stringify({ ...good(), pad: 'é'.repeat(400) });
    expect(decodeEnvelope(raw, ['stats'], raw.length + 10)).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it('refuses a key __proto__ anywhere, however spelled, instead of dropping it silently', () => {
    const reply = (data: string) =>
      `{"v":1,"id":"00000000-0000-4000-8000-000000000000","type":"reply","from":"r-0001","ts":0,"body":{"ok":true,"data":${data}}}`;
    // The counterexample CI's fuzz run found: zod dropped the key and the frame arrived changed.
    expect(decodeEnvelope(reply('{"__proto__":0}'), ['reply'])).toEqual({
      ok: false,
      reason: 'schema',
      detail: 'key "__proto__" at $.body.data is not allowed',
    });
    expect(decodeEnvelope(reply('[1,{"a":{"\\u005f_proto__":{"isAdmin":true}}}]'), ['reply'])).toMatchObject({
      ok: false,
      detail: 'key "__proto__" at $.body.data.1.a is not allowed',
    });
    // The string "__proto__" as a value is no key.
    expect(decodeEnvelope(reply('["__proto__"]'), ['reply'])).toMatchObject({ ok: true });
  });

  it('refuses, without throwing, a body nested deeper than the schema can check', () => {
    const deep = `${'['.repeat(20_000)}"\\u0041"${']'.repeat(20_000)}`;
    const raw = `{"v":1,"id":"00000000-0000-4000-8000-000000000000","type":"reply","from":"r-0001","ts":0,"body":{"ok":true,"data":${deep}}}`;
    expect(decodeEnvelope(raw, ['reply'])).toEqual({
      ok: false,
      reason: 'schema',
      detail: 'body nests too deep to check',
    });
  });

  it('has a body schema for each of the thirteen channels', () => {
    expect(channelTypes).toHaveLength(13);
    for (const t of channelTypes) expect(bodySchemas[t]).toBeDefined();
  });
});

describe('makeEnvelope', () => {
  it('refuses to build what a receiver would drop', () => {
    expect(() => makeEnvelope('stats', 'R1!', stats as never)).toThrow();
  });
});

describe('destinations', () => {
  it('names per-remote queues and topics and finds the remote id back', () => {
    expect(destinations.remoteQueue('r-0007', 'config')).toBe('/queue/smt.remote.r-0007.config');
    expect(destinations.remoteTopic('r-0007', 'stats')).toBe('/topic/smt.stats.r-0007');
    expect(remoteIdOfDestination('/topic/smt.stats.r-0007')).toBe('r-0007');
    expect(remoteIdOfDestination('/queue/smt.remote.r-0007.query')).toBe('r-0007');
    expect(remoteIdOfDestination(destinations.inventory())).toBeUndefined();
    expect(remoteIdOfDestination(destinations.consoleFleet('r-0007', 'events'))).toBeUndefined();
    expect(remoteIdOfDestination('/topic/smt.stats.>')).toBeUndefined();
  });

  it('gives each console session its own reply queue, the only reply-to a remote answers on', () => {
    const sessions = new Set(Array.from({ length: 200 }, () => newReplySession()));
    expect(sessions.size).toBe(200);
    for (const s of sessions) expect(s).toMatch(replySessionPattern);
    const [session] = [...sessions] as [string];
    const own = destinations.consoleReply('lab-console', session);
    expect(own).toBe(`/queue/smt.console.lab-console.reply.${session}`);
    expect(consoleReplyQueuePattern.test(own)).toBe(true);
    for (const bad of [
      '/queue/smt.console.lab-console.reply',
      `/queue/smt.console.lab-console.reply.${session}.x`,
      `/queue/smt.console.lab-console.reply.${session.toUpperCase()}`,
      `/queue/smt.console.lab-console.reply.${session.slice(1)}`,
      destinations.consoleStats('lab-console', session),
      destinations.consoleResult('lab-console'),
      `/queue/smt.console.lab.console.reply.${session}`,
      `/topic/smt.console.lab-console.reply.${session}`,
      `/queue/smt.console.lab-console.reply.${session}/../../smt.remote.r-0002.config`,
    ]) {
      expect(consoleReplyQueuePattern.test(bad), bad).toBe(false);
    }
  });
});

describe('stompHeadersFor', () => {
  it('makes config persistent with no expiry and stats transient with an absolute expiry', () => {
    const config = makeEnvelope(
      'config',
      'lab-console',
      {
        pushId: crypto.randomUUID(),
        object: { kind: 'zone', name: 'example.test' },
        version: 1,
        op: 'delete',
      },
      { ts: 1000 },
    );
    expect(stompHeadersFor(config)).toMatchObject({
      persistent: 'true',
      'smt-type': 'config',
      'smt-id': config.id,
      // What a broker selector can name to withdraw it from the queue.
      'correlation-id': config.id,
    });
    expect(stompHeadersFor(config).expires).toBeUndefined();
    const s = makeEnvelope('stats', 'r-0001', stats as never, { ts: 1000 });
    expect(stompHeadersFor(s)).toMatchObject({ persistent: 'false', expires: '61000' });
    expect(stompHeadersFor(s)['correlation-id']).toBeUndefined();
  });
});
