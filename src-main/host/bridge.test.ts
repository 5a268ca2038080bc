import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PATH, BridgeResponse, MAX_BRIDGE_FRAME_BYTES } from '../../src-shared/ipc';
import { startHost, type RunningHost } from './server';
import { FakeBackend, remoteView } from './testing/fake-backend';
import { upgradeStatus } from './testing/upgrade-status';

/** A bridge client that collects every frame it receives, parsed with the contract's frame schema. */
class Client {
  readonly frames: BridgeResponse[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(BridgeResponse.parse(JSON.parse(String(data)))));
  }

  static open(host: RunningHost): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, {
      headers: { Origin: host.origin, Cookie: `smt_session=${host.token}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  async waitFor<T extends BridgeResponse>(pick: (f: BridgeResponse) => f is T): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.frames.find(pick);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async resultOf(id: number) {
    const frame = await this.waitFor(
      (f): f is Extract<BridgeResponse, { kind: 'result' }> => f.kind === 'result' && f.id === id,
    );
    return frame.result as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  }

  send(value: unknown) {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close() {
    this.ws.close();
  }
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('browser host WebSocket bridge', () => {
  let dir: string;
  let host: RunningHost;
  let backend: FakeBackend;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-bridge-'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    backend = new FakeBackend();
    host = await startHost({ backend, staticDir: dir, log: () => undefined });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  const open = async () => {
    const c = await Client.open(host);
    clients.push(c);
    return c;
  };

  const url = () => `ws://127.0.0.1:${host.port}${BRIDGE_PATH}`;

  it('refuses upgrades without the session, with a foreign Origin, or on another path', async () => {
    const before = host.bridgeStats().refusedUpgrades;
    expect(await upgradeStatus(url(), { Origin: host.origin })).toBe(401);
    expect(await upgradeStatus(`${url()}?token=wrong`, { Origin: host.origin })).toBe(401);
    expect(await upgradeStatus(`${url()}?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(
      await upgradeStatus(`${url()}?token=${host.token}`, { Origin: `http://localhost:${host.port}` }),
    ).toBe(403);
    expect(await upgradeStatus(`${url()}?token=${host.token}`, {})).toBe(403);
    expect(
      await upgradeStatus(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, { Origin: host.origin }),
    ).toBe(404);
    expect(host.bridgeStats().refusedUpgrades).toEqual({
      'no-session': (before['no-session'] ?? 0) + 2,
      'foreign-origin': (before['foreign-origin'] ?? 0) + 3,
      'wrong-path': (before['wrong-path'] ?? 0) + 1,
    });
  });

  it('accepts the token in the query or the session cookie from its own origin', async () => {
    expect(await upgradeStatus(`${url()}?token=${host.token}`, { Origin: host.origin })).toBe(101);
    expect(await upgradeStatus(url(), { Origin: host.origin, Cookie: `smt_session=${host.token}` })).toBe(
      101,
    );
  });

  it('answers a call in the contract with the core result', async () => {
    const c = await open();
    c.send({ kind: 'invoke', id: 7, call: 'getFleet', args: [] });
    const result = await c.resultOf(7);
    expect(result.ok).toBe(true);
    expect((result.value as { remotes: unknown[] }).remotes).toHaveLength(2);
  });

  it('answers each kind of bad frame with a specific error, counts it, and keeps serving', async () => {
    const c = await open();
    const calls = backend.received.length;
    c.send('not json');
    c.send({ kind: 'invoke', id: 1, call: 'getFleet' });
    c.send({ kind: 'invoke', id: 2, call: 'dropDatabase', args: [] });
    c.send({ kind: 'invoke', id: 3, call: '__proto__', args: [] });
    c.send({ kind: 'invoke', id: 4, call: 'getFleet', args: ['extra'] });
    c.send('x'.repeat(MAX_BRIDGE_FRAME_BYTES + 1));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send({ kind: 'invoke', id: 5, call: 'getConnection', args: [] });

    const noId = async (n: number) => {
      await until(() => c.frames.filter((f) => f.kind === 'result' && f.id === -1).length >= n, 'answers');
      return c.frames.filter(
        (f): f is Extract<BridgeResponse, { kind: 'result' }> => f.kind === 'result' && f.id === -1,
      );
    };
    expect((await c.resultOf(1)).error).toMatchObject({ code: 'bad-request' });
    expect((await c.resultOf(2)).error).toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('dropDatabase'),
    });
    expect((await c.resultOf(3)).error).toMatchObject({ code: 'not-found' });
    expect((await c.resultOf(4)).error).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('getFleet'),
    });
    const anonymous = await noId(3);
    const messages = anonymous.map((f) => (f.result as { error: { message: string } }).error.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'The frame is not JSON.',
        expect.stringContaining('exceeds the 262144-byte limit'),
        'The bridge accepts JSON text frames only.',
      ]),
    );
    expect((await c.resultOf(5)).ok).toBe(true);
    // Only the good call reached the core.
    expect(backend.received.slice(calls).map((r) => r.call)).toEqual(['getConnection']);
    expect(host.bridgeStats().rejectedFrames).toMatchObject({
      'not-json': 1,
      'bad-frame': 1,
      'unknown-call': 2,
      'bad-args': 1,
      'too-large': 1,
      binary: 1,
    });
  });

  it('turns a core failure into an internal error without the details', async () => {
    const c = await open();
    backend.failNext = 'disk on fire at /var/lib/secret';
    c.send({ kind: 'invoke', id: 9, call: 'getRejects', args: [] });
    const result = await c.resultOf(9);
    expect(result.error?.code).toBe('internal');
    expect(result.error?.message).not.toContain('secret');
  });

  it('forwards core events to every page and unsubscribes when the last one closes', async () => {
    const a = await open();
    const b = await open();
    await until(() => backend.listenerCount('fleetPatch') === 1, 'one shared subscription');
    const patch = { at: Date.now(), upserts: [remoteView('r-0003')] };
    backend.emit('fleetPatch', patch);
    for (const c of [a, b]) {
      const frame = await c.waitFor(
        (f): f is Extract<BridgeResponse, { kind: 'event' }> => f.kind === 'event',
      );
      expect(frame).toEqual({ kind: 'event', event: 'fleetPatch', payload: patch });
    }
    a.close();
    b.close();
    clients.splice(0);
    await until(() => backend.listenerCount('fleetPatch') === 0, 'unsubscribe');
    expect(backend.listenerCount('connectionChanged')).toBe(0);
  });
});
