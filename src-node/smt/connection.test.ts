import { afterEach, describe, expect, it } from 'vitest';
import type { ConnState } from '../../src-shared/connection/machine';
import type { TlsMaterial } from '../tls';
import {
  MAX_TRANSACTION_FRAMES,
  SmtConnection,
  type InboundMessage,
  type SmtConnectionOptions,
} from './connection';
import { SmtNotConnectedError, SmtSessionLostError } from './errors';
import { FakeStompServer, plainTransport } from './testing/fake-stomp-server';
import { waitFor } from './testing/wait';

const noTls: TlsMaterial = { ca: '', cert: '', key: '', subjectCn: 'test', notAfter: new Date(0) };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(opts: ConstructorParameters<typeof FakeStompServer>[0] = {}) {
  const s = await new FakeStompServer({ heartbeatMs: 200, ...opts }).listen();
  cleanups.push(() => s.close());
  return s;
}

function connection(brokers: SmtConnectionOptions['brokers'], extra: Partial<SmtConnectionOptions> = {}) {
  const conn = new SmtConnection({
    name: 'test',
    brokers,
    tls: noTls,
    transport: plainTransport,
    heartbeat: { sendMs: 200, expectMs: 200, graceMs: 100 },
    connectTimeoutMs: 2000,
    random: () => 0.5,
    ...extra,
  });
  const states: ConnState[] = [];
  conn.onState((s) => states.push(s));
  cleanups.push(() => conn.stop(200));
  return { conn, states };
}

const connected = (conn: SmtConnection) => waitFor('connected', () => conn.state.kind === 'connected');

/** A port nothing listens on: what a dead broker looks like. */
async function deadEndpoint() {
  const s = await new FakeStompServer().listen();
  const ep = s.endpoint('primary');
  await s.close();
  return ep;
}

describe('SmtConnection against a fake STOMP server', () => {
  it('connects, applies subscriptions, and sends every frame with content-length (NUL bytes survive)', async () => {
    const srv = await server();
    const { conn, states } = connection([srv.endpoint('primary')]);
    const got: InboundMessage[] = [];
    conn.subscribe('/queue/a', { ack: 'auto' }, (m) => void got.push(m));
    conn.start();
    await connected(conn);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'connected']);
    expect(srv.framesOf('SUBSCRIBE')[0]?.headers).toMatchObject({ destination: '/queue/a', ack: 'auto' });

    const body = 'before\u0000after ✓';
    await conn.send('/queue/a', { 'smt-id': 'x' }, body, { receipt: true });
    const sent = srv.framesOf('SEND')[0];
    expect(sent?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(sent?.body.toString()).toBe(body);
    await waitFor('message', () => got.length === 1);
    expect(got[0]?.body).toBe(body);
    expect(got[0]?.oversized).toBe(false);
  });

  it('rejects a send while not connected with a specific error', async () => {
    const { conn } = connection([await deadEndpoint()]);
    await expect(conn.send('/queue/a', {}, 'x')).rejects.toBeInstanceOf(SmtNotConnectedError);
    conn.start();
    await expect(conn.send('/queue/a', {}, 'x')).rejects.toThrow(
      /not connected to a broker \(connection is connecting\)/,
    );
  });

  it('fails over to the secondary when the primary refuses TCP, and reports which broker it uses', async () => {
    const secondary = await server();
    const { conn } = connection([await deadEndpoint(), secondary.endpoint('secondary')]);
    conn.start();
    await connected(conn);
    expect(conn.connectedBroker?.name).toBe('secondary');
  });

  it('reconnects after the broker drops the socket, re-subscribes and calls the opened hook again', async () => {
    const srv = await server();
    const { conn, states } = connection([srv.endpoint('primary')]);
    let opened = 0;
    conn.onOpened(() => void opened++);
    conn.subscribe('/queue/a', { ack: 'client-individual' }, () => undefined);
    conn.start();
    await connected(conn);
    srv.dropAll();
    await waitFor('second open', () => opened === 2);
    expect(srv.framesOf('SUBSCRIBE')).toHaveLength(2);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'connected', 'connecting', 'connected']);
  });

  it('detects a frozen broker through missed heart-beats within about two intervals', async () => {
    const srv = await server();
    const { conn } = connection([srv.endpoint('primary')]);
    conn.start();
    await connected(conn);
    const frozenAt = Date.now();
    srv.freeze();
    await waitFor('session lost', () => conn.state.kind !== 'connected', 3000);
    // The check runs every max(200, 200) + 100 ms and needs one silent window: at most two of them.
    expect(Date.now() - frozenAt).toBeLessThan(2 * 300 + 300);
  });

  it('drains an oversized body, reports it, and keeps reading what follows', async () => {
    const srv = await server();
    const { conn } = connection([srv.endpoint('primary')]);
    const got: InboundMessage[] = [];
    conn.subscribe('/topic/t', { ack: 'auto', maxBodyBytes: 1000 }, (m) => void got.push(m));
    conn.start();
    await connected(conn);
    srv.deliver('/topic/t', Buffer.alloc(2_000_000, 0x41));
    srv.deliver('/topic/t', 'small');
    await waitFor('two messages', () => got.length === 2);
    expect(got[0]).toMatchObject({ oversized: true, bytes: 2_000_000, body: undefined });
    expect(got[1]).toMatchObject({ oversized: false, body: 'small' });
  });

  it('reads any header a broker forwards from a client without losing the session or the process', async () => {
    const srv = await server();
    const { conn, states } = connection([srv.endpoint('primary')]);
    const got: InboundMessage[] = [];
    conn.subscribe('/topic/t', { ack: 'auto' }, (m) => void got.push(m));
    conn.start();
    await connected(conn);
    // ActiveMQ 5.17 takes up to 1000 headers of up to 10240 bytes a line from a client and forwards them.
    const many = Object.fromEntries(Array.from({ length: 999 }, (_, i) => [`x-${i}`, String(i)]));
    const hostile: Record<string, string>[] = [
      { hasOwnProperty: 'x', 'x-after': 'y' },
      { __proto__x: 'a', constructor: 'b', toString: 'c' },
      many,
      { [`x-${'n'.repeat(5000)}`]: 'v'.repeat(5000) },
      { 'x-escaped': 'a:b\nc\rd\\e' },
    ];
    for (const headers of hostile) srv.deliver('/topic/t', 'hostile', headers);
    srv.deliver('/topic/t', 'after');
    await waitFor('every frame read', () => got.length === hostile.length + 1);
    expect(got.map((m) => m.body)).toEqual([...hostile.map(() => 'hostile'), 'after']);
    // A header named hasOwnProperty is dropped as a repeat; the rest arrive as sent.
    expect(got[0]?.headers).toMatchObject({ 'x-after': 'y' });
    expect(Object.hasOwn(got[0]?.headers ?? {}, 'hasOwnProperty')).toBe(false);
    expect(got[1]?.headers).toMatchObject({ constructor: 'b', toString: 'c' });
    expect(got[2]?.headers['x-998']).toBe('998');
    expect(got[4]?.headers['x-escaped']).toBe('a:b\nc\rd\\e');
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'connected']);
  });

  it('reads and drops a message that comes for a subscription after its UNSUBSCRIBE, keeping the session', async () => {
    const srv = await server();
    const { conn, states } = connection([srv.endpoint('primary')]);
    const got: string[] = [];
    const sub = conn.subscribe('/queue/stats-reply', { ack: 'auto' }, (m) => void got.push(m.body ?? ''));
    const kept: string[] = [];
    conn.subscribe('/queue/kept', { ack: 'auto' }, (m) => void kept.push(m.body ?? ''));
    conn.start();
    await connected(conn);
    const id = srv.framesOf('SUBSCRIBE').find((f) => f.headers.destination === '/queue/stats-reply')
      ?.headers.id;
    sub.unsubscribe();
    await waitFor('the UNSUBSCRIBE and its receipt', () => srv.framesOf('UNSUBSCRIBE').length === 1);
    expect(srv.framesOf('UNSUBSCRIBE')[0]?.headers.id).toBe(id);
    // stompit's own unsubscribe() would have forgotten the id here, and ended the session on this frame.
    srv.deliverLate(id as string, '/queue/stats-reply', 'late');
    srv.deliver('/queue/kept', 'after');
    await waitFor('the next message on the session', () => kept.length === 1);
    expect(got).toEqual([]);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'connected']);
  });

  it('acks client-individual messages one by one, on the broker receipt', async () => {
    const srv = await server();
    const { conn } = connection([srv.endpoint('primary')]);
    const got: InboundMessage[] = [];
    conn.subscribe('/queue/q', { ack: 'client-individual' }, (m) => void got.push(m));
    conn.start();
    await connected(conn);
    srv.deliver('/queue/q', 'one');
    srv.deliver('/queue/q', 'two');
    await waitFor('two messages', () => got.length === 2);
    await got[1]?.ack();
    await got[0]?.nack();
    expect(srv.framesOf('ACK').map((f) => f.headers.id)).toEqual([got[1]?.headers['message-id']]);
    expect(srv.framesOf('NACK').map((f) => f.headers.id)).toEqual([got[0]?.headers['message-id']]);
  });

  it('treats a refused certificate as an auth failure: slow retry, no fail-over', async () => {
    const srv = await server({
      refuseConnect: 'No user for client certificate: CN=rogue, OU=remotes, O=SMT Lab',
    });
    const other = await server();
    const { conn } = connection([srv.endpoint('primary'), other.endpoint('secondary')], {
      now: () => 1000,
    });
    conn.start();
    await waitFor('backoff', () => conn.state.kind === 'backoff');
    expect(conn.state).toMatchObject({ kind: 'backoff', retryAt: 1000 + 30_000, lastBroker: 0 });
    if (conn.state.kind === 'backoff') expect(conn.state.lastError).toMatch(/refused this identity/);
    expect(other.framesOf('CONNECT')).toHaveLength(0);
  });

  it('fails the open when the broker refuses a subscription, instead of looping connect-and-drop', async () => {
    const srv = await server({ refuseSubscribe: '/queue/smt.remote.r2.config' });
    const { conn } = connection([srv.endpoint('primary')]);
    conn.subscribe('/queue/smt.remote.r2.config', { ack: 'client-individual' }, () => undefined);
    conn.start();
    await waitFor('backoff', () => conn.state.kind === 'backoff');
    if (conn.state.kind === 'backoff') expect(conn.state.lastError).toMatch(/not allowed to consume/);
    expect(srv.framesOf('CONNECT')).toHaveLength(1);
  });

  it('holds a queue backlog until the open completes, so handlers can answer at once', async () => {
    const srv = await server({ backlog: { '/queue/config': 'waiting' } });
    const { conn } = connection([srv.endpoint('primary')]);
    const answered: string[] = [];
    conn.subscribe('/queue/config', { ack: 'client-individual' }, async (m) => {
      await conn.send('/queue/result', {}, `got ${m.body}`, { receipt: true });
      await m.ack();
      answered.push(m.body ?? '');
    });
    conn.start();
    await waitFor('the backlog answered', () => answered.length === 1);
    expect(srv.framesOf('SEND')[0]?.body.toString()).toBe('got waiting');
    expect(srv.framesOf('ACK')).toHaveLength(1);
  });

  describe('a broker that loses or repeats a frame early in a session (ActiveMQ stomp+nio+ssl)', () => {
    /** Mangles the first frame of this command that the server reads, and only that one. */
    const once = (command: string, fault: 'drop' | 'twice') => {
      let done = false;
      return (f: { command: string }) => {
        if (done || f.command !== command) return undefined;
        done = true;
        return fault;
      };
    };

    it.each([
      ['a SUBSCRIBE processed twice (two consumers for one queue)', 'SUBSCRIBE', 'twice'],
      ['a lost SUBSCRIBE (no consumer at all)', 'SUBSCRIBE', 'drop'],
      ['a CONNECT processed twice', 'CONNECT', 'twice'],
    ] as const)('opens no session on %s, and opens a good one next', async (_, command, fault) => {
      const srv = await server({ mangle: once(command, fault) });
      const { conn, states } = connection([srv.endpoint('primary')], { connectTimeoutMs: 500 });
      conn.subscribe('/queue/config', { ack: 'client-individual' }, () => undefined);
      conn.subscribe('/queue/command', { ack: 'client-individual' }, () => undefined);
      conn.start();
      await connected(conn);
      expect(states.filter((s) => s.kind === 'connected')).toHaveLength(1);
      expect(srv.framesOf('CONNECT')).toHaveLength(fault === 'twice' && command === 'CONNECT' ? 3 : 2);
      // The session in use has exactly one consumer per queue.
      expect(srv.consumers('/queue/config')).toBe(1);
      expect(srv.consumers('/queue/command')).toBe(1);
    });

    it('ends a session whose receipt never comes, so the send is retried on the next one', async () => {
      let dropped = false;
      const srv = await server({
        mangle: (f) => (f.command === 'SEND' && !dropped ? ((dropped = true), 'drop') : undefined),
      });
      const { conn } = connection([srv.endpoint('primary')], { receiptTimeoutMs: 300 });
      let opened = 0;
      conn.onOpened(() => void opened++);
      conn.start();
      await connected(conn);
      await expect(conn.send('/queue/result', {}, 'lost', { receipt: true })).rejects.toThrow(
        /confirmed nothing for 300 ms/,
      );
      await waitFor('the next session', () => opened === 2 && conn.state.kind === 'connected');
      await conn.send('/queue/result', {}, 'again', { receipt: true });
      // The broker lost the first one (the fake records only what it handles).
      expect(srv.framesOf('SEND').map((f) => f.body.toString())).toEqual(['again']);
    });
  });

  describe('grouped sends', () => {
    const grouped = { receipt: true, grouped: true } as const;

    it('commits the sends of one turn as one transaction and resolves them on its receipt', async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      const got: string[] = [];
      conn.subscribe('/queue/b', { ack: 'auto' }, (m) => void got.push(m.body ?? ''));
      conn.start();
      await connected(conn);
      const sends = ['1', '2', '3'].map((n) => conn.send('/queue/b', { 'smt-id': n }, n, grouped));
      await Promise.all(sends);
      const [begin] = srv.framesOf('BEGIN');
      const tx = begin?.headers.transaction;
      expect(tx).toMatch(/^smt-tx-/);
      expect(srv.framesOf('SEND').map((f) => [f.headers.transaction, f.headers.receipt])).toEqual([
        [tx, undefined],
        [tx, undefined],
        [tx, undefined],
      ]);
      expect(srv.framesOf('COMMIT').map((f) => f.headers.transaction)).toEqual([tx]);
      expect(srv.framesOf('COMMIT')[0]?.headers.receipt).toBeDefined();
      await waitFor('the committed messages', () => got.length === 3);
      expect(got).toEqual(['1', '2', '3']);

      // The next turn's sends are the next transaction.
      await conn.send('/queue/b', {}, '4', grouped);
      expect(new Set(srv.framesOf('COMMIT').map((f) => f.headers.transaction)).size).toBe(2);
    });

    it(`splits a turn's sends into transactions of at most ${MAX_TRANSACTION_FRAMES}`, async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      conn.start();
      await connected(conn);
      const n = MAX_TRANSACTION_FRAMES + 1;
      await Promise.all(Array.from({ length: n }, (_, i) => conn.send('/queue/c', {}, String(i), grouped)));
      const commits = srv.framesOf('COMMIT').map((f) => f.headers.transaction);
      expect(commits).toHaveLength(2);
      const perTx = commits.map(
        (tx) => srv.framesOf('SEND').filter((f) => f.headers.transaction === tx).length,
      );
      expect(perTx).toEqual([MAX_TRANSACTION_FRAMES, 1]);
    });

    it('rejects every send of a transaction whose session ends before the receipt of its commit', async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      conn.start();
      await connected(conn);
      srv.freeze();
      const sends = ['a', 'b'].map((n) => conn.send('/queue/d', {}, n, grouped));
      srv.dropAll();
      for (const s of sends) await expect(s).rejects.toBeInstanceOf(SmtSessionLostError);
    });
  });

  it('stops with a DISCONNECT, rejects later sends, and stays idle', async () => {
    const srv = await server();
    const { conn } = connection([srv.endpoint('primary')]);
    conn.start();
    await connected(conn);
    await conn.stop();
    expect(conn.state.kind).toBe('idle');
    expect(srv.framesOf('DISCONNECT')).toHaveLength(1);
    await expect(conn.send('/queue/a', {}, 'x')).rejects.toBeInstanceOf(SmtNotConnectedError);
  });
});
