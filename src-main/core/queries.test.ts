import { describe, expect, it } from 'vitest';
import { makeEnvelope, type Envelope } from '../../src-shared/protocol';
import { silentLog } from '../../src-node/log';
import { PendingQueries, QueryBusyError, QueryTimeoutError } from './queries';

function setup(max?: number, send?: () => Promise<void>) {
  const sent: { rid: string; query: Envelope<'query'> }[] = [];
  const q = new PendingQueries(
    {
      consoleId: 'c1',
      now: () => 1_000,
      log: silentLog,
      send: (rid, query) => {
        sent.push({ rid, query });
        return send ? send() : Promise.resolve();
      },
    },
    max,
  );
  const reply = (from: string, corr: string | undefined, data = 1) =>
    makeEnvelope('reply', from, { ok: true, data }, corr === undefined ? {} : { corr });
  return { q, sent, reply };
}

describe('PendingQueries', () => {
  it('resolves each query with the reply that carries its id, from the remote asked', async () => {
    const { q, sent, reply } = setup();
    const a = q.ask('r-1', { query: 'ping' }, { timeoutMs: 5_000 });
    const b = q.ask('r-2', { query: 'ping' }, { timeoutMs: 5_000 });
    const [qa, qb] = sent.map((s) => s.query.id);
    expect(q.take(reply('r-2', qb, 2))).toBe(true);
    expect(q.take(reply('r-1', qa, 1))).toBe(true);
    expect(await a).toEqual({ ok: true, data: 1 });
    expect(await b).toEqual({ ok: true, data: 2 });
    expect(q.size).toBe(0);
  });

  it('ignores an answer from another remote with our id, and leaves unknown replies to others', async () => {
    const { q, sent, reply } = setup();
    const a = q.ask('r-1', { query: 'ping' }, { timeoutMs: 5_000 });
    const id = sent[0]?.query.id;
    expect(q.take(reply('r-9', id, 9))).toBe(true);
    expect(q.take(reply('r-1', crypto.randomUUID()))).toBe(false);
    expect(q.take(reply('r-1', undefined))).toBe(false);
    expect(q.size).toBe(1);
    q.take(reply('r-1', id, 1));
    expect(await a).toEqual({ ok: true, data: 1 });
  });

  it('rejects with a timeout naming the remote, and a late reply is then nobody’s', async () => {
    const { q, sent, reply } = setup();
    const a = q.ask('r-7', { query: 'ping' }, { timeoutMs: 20 });
    await expect(a).rejects.toBeInstanceOf(QueryTimeoutError);
    await expect(a).rejects.toThrow('remote r-7 did not answer the query within 20 ms');
    expect(q.take(reply('r-7', sent[0]?.query.id))).toBe(false);
  });

  it('bounds what waits at once, and says so', async () => {
    const { q } = setup(2);
    const waiting = [0, 1].map(() => q.ask('r-1', { query: 'ping' }, { timeoutMs: 5_000 }));
    await expect(q.ask('r-1', { query: 'ping' }, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      QueryBusyError,
    );
    q.close('test over');
    for (const w of waiting) await expect(w).rejects.toThrow('query to r-1 abandoned: test over');
    expect(q.size).toBe(0);
  });

  it('rejects at once when the query cannot be sent', async () => {
    const { q } = setup(undefined, () => Promise.reject(new Error('no session')));
    await expect(q.ask('r-1', { query: 'ping' }, { timeoutMs: 5_000 })).rejects.toThrow(
      'query to r-1 not sent: no session',
    );
    expect(q.size).toBe(0);
  });
});
