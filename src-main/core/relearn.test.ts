import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src-node/log';
import { makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import { Relearner, type RelearnOptions } from './relearn';

const hello = (rid: string): Body<'hello'> => ({
  agent: { version: '1.0.0', mode: 'real' },
  host: {
    hostname: `${rid}.example.test`,
    ips: ['192.0.2.7'],
    serviceTag: 'tag',
    os: 'Debian 12',
    kernel: '6.1',
  },
  capabilities: ['dns'],
  tags: [],
  statsIntervalMs: 5000,
  presenceIntervalMs: 2000,
});

/** A relearner with a hand-driven clock, a recorded send and a recorded fleet. */
function setup(opts: Partial<RelearnOptions> = {}, sendFails = false) {
  let now = 1_000_000;
  const sent: { rid: string; query: Envelope<'query'> }[] = [];
  const learned: { rid: string; hello: Body<'hello'> }[] = [];
  const logs: LogEntry[] = [];
  const relearn = new Relearner(
    {
      consoleId: 'lab-console',
      now: () => now,
      log: (e) => void logs.push(e),
      send: (rid, query) => {
        sent.push({ rid, query });
        return sendFails ? Promise.reject(new Error('not connected')) : Promise.resolve();
      },
      learn: (rid, h) => void learned.push({ rid, hello: h }),
    },
    { helloGraceMs: 0, ...opts },
  );
  relearn.setReady(true);
  const reply = (from: string, corr: string | undefined, body: Body<'reply'>) =>
    makeEnvelope('reply', from, body, corr ? { corr } : {});
  const answer = (i: number) => {
    const q = sent[i] as (typeof sent)[number];
    relearn.reply(reply(q.rid, q.query.id, { ok: true, data: hello(q.rid) }));
  };
  return {
    relearn,
    sent,
    learned,
    logs,
    reply,
    answer,
    advance: (ms: number) => void (now += ms),
  };
}

describe('Relearner', () => {
  it('asks a remote with live data but no hello for its hello, once per interval', () => {
    const { relearn, sent, advance } = setup({ perRemoteIntervalMs: 30_000, replyTimeoutMs: 10_000 });
    relearn.liveFrom('r-0001');
    relearn.liveFrom('r-0001');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rid).toBe('r-0001');
    expect(sent[0]?.query).toMatchObject({ type: 'query', from: 'lab-console', body: { query: 'hello' } });

    // Unanswered: the slot frees after the reply timeout, but the remote waits out its interval.
    advance(10_000);
    relearn.sweep();
    expect(relearn.inFlightCount).toBe(0);
    relearn.liveFrom('r-0001');
    expect(sent).toHaveLength(1);
    advance(20_000);
    relearn.liveFrom('r-0001');
    expect(sent).toHaveLength(2);
    expect(relearn.counters()).toMatchObject({ asked: 2, timedOut: 1 });
  });

  it('gives a newly heard remote a grace period for the hello it sent just before', () => {
    const { relearn, sent, advance } = setup({ helloGraceMs: 2000 });
    relearn.liveFrom('r-0001');
    relearn.liveFrom('r-0002');
    advance(1999);
    relearn.sweep();
    expect(sent).toHaveLength(0);
    relearn.helloFrom('r-0001');
    advance(1);
    relearn.sweep();
    expect(sent.map((s) => s.rid)).toEqual(['r-0002']);
  });

  it('never asks a remote whose hello arrived, and stops asking once one does', () => {
    const { relearn, sent, advance } = setup();
    relearn.helloFrom('r-0001');
    relearn.liveFrom('r-0001');
    expect(sent).toHaveLength(0);

    relearn.liveFrom('r-0002');
    expect(sent).toHaveLength(1);
    relearn.helloFrom('r-0002');
    advance(60_000);
    relearn.sweep();
    relearn.liveFrom('r-0002');
    expect(sent).toHaveLength(1);
  });

  it('waits while the session is down and keeps at most maxInFlight queries out at once', () => {
    const { relearn, sent, answer, advance } = setup({ maxInFlight: 50, replyTimeoutMs: 10_000 });
    relearn.setReady(false);
    const ids = Array.from({ length: 1000 }, (_, i) => `r-${String(i).padStart(4, '0')}`);
    for (const id of ids) relearn.liveFrom(id);
    expect(sent).toHaveLength(0);

    relearn.setReady(true);
    expect(sent).toHaveLength(50);
    // Each answer lets the next remote be asked: the burst never grows.
    for (let i = 0; i < 10; i++) answer(i);
    expect(sent).toHaveLength(60);
    expect(relearn.inFlightCount).toBe(50);
    // Silence: timeouts free slots a wave at a time.
    advance(10_000);
    relearn.sweep();
    expect(sent).toHaveLength(110);
    expect(relearn.inFlightCount).toBe(50);
    expect(new Set(sent.map((s) => s.rid)).size).toBe(110);
    expect(relearn.counters()).toMatchObject({ asked: 110, learned: 10, timedOut: 50 });
  });

  it('feeds the hello from a reply correlated by the query id and sent by the remote asked', () => {
    const { relearn, sent, learned, reply, logs } = setup();
    relearn.liveFrom('r-0001');
    const q = sent[0] as (typeof sent)[number];

    // No corr, or a corr of no query of ours: ignored.
    relearn.reply(reply('r-0001', undefined, { ok: true, data: hello('r-0001') }));
    relearn.reply(reply('r-0001', crypto.randomUUID(), { ok: true, data: hello('r-0001') }));
    // Our query id from another remote: refused, and the real answer is still awaited.
    relearn.reply(reply('r-0666', q.query.id, { ok: true, data: hello('r-0666') }));
    expect(learned).toEqual([]);
    expect(relearn.inFlightCount).toBe(1);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.reason)).toEqual(['mismatched']);

    relearn.reply(reply('r-0001', q.query.id, { ok: true, data: hello('r-0001') }));
    expect(learned).toEqual([{ rid: 'r-0001', hello: hello('r-0001') }]);
    expect(relearn.inFlightCount).toBe(0);
    // A duplicate of the answer is no longer matched.
    relearn.reply(reply('r-0001', q.query.id, { ok: true, data: hello('r-0001') }));
    expect(learned).toHaveLength(1);
    expect(relearn.counters()).toMatchObject({ learned: 1, mismatched: 1, unmatched: 3 });
  });

  it('counts and logs a data that is no hello body, and stops asking an agent that refuses the query', () => {
    const { relearn, sent, learned, reply, logs, advance } = setup({ perRemoteIntervalMs: 30_000 });
    relearn.liveFrom('r-0001');
    relearn.liveFrom('r-0002');
    const [q1, q2] = sent as [(typeof sent)[number], (typeof sent)[number]];
    relearn.reply(reply('r-0001', q1.query.id, { ok: true, data: { hostname: 'only a name' } }));
    relearn.reply(reply('r-0002', q2.query.id, { ok: false, error: 'query "hello" is not answered' }));
    expect(learned).toEqual([]);
    expect(relearn.counters()).toMatchObject({ invalid: 1, refused: 1 });
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.remote, l.reason])).toEqual([
      ['r-0001', 'invalid'],
      ['r-0002', 'refused'],
    ]);

    advance(30_000);
    relearn.liveFrom('r-0001');
    relearn.liveFrom('r-0002');
    expect(sent.map((s) => s.rid)).toEqual(['r-0001', 'r-0002', 'r-0001']);
  });

  it('frees the slot of a query that could not be sent', async () => {
    const { relearn, sent } = setup({ maxInFlight: 1 }, true);
    relearn.liveFrom('r-0001');
    relearn.liveFrom('r-0002');
    expect(sent.map((s) => s.rid)).toEqual(['r-0001']);
    // The failed send frees the only slot, and the waiting remote is asked.
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.rid)).toEqual(['r-0001', 'r-0002']);
    expect(relearn.counters()).toMatchObject({ asked: 2, unsent: 2 });
    expect(relearn.inFlightCount).toBe(0);
  });
});
