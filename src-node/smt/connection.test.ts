import { describe, expect, it } from 'vitest';
import { SmtNotConnectedError } from './errors';
import type { InboundMessage } from './session';
import { connectionHarness } from './testing/connection-harness';
import { waitFor } from './testing/wait';

const { server, connection, connected, deadEndpoint } = connectionHarness();

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
    srv.freeze();
    // The check runs every max(200, 200) + 100 ms and needs one silent window: at most two of them.
    await waitFor('session lost', () => conn.state.kind !== 'connected', 2 * 300 + 300);
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
