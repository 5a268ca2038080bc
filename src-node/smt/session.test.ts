import { describe, expect, it } from 'vitest';
import type { InboundMessage } from './session';
import { connectionHarness } from './testing/connection-harness';
import { waitFor } from './testing/wait';

const { server, connection, connected } = connectionHarness();

describe('a session of an SmtConnection against a fake STOMP server', () => {
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
});
