import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { remote } from '../testing/remote';
import { connectBridge, type SocketLike } from './bridge-client';
import type { LinkState } from './link';

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {}

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop(1000);
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' } as CloseEvent);
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
  lastId(): number {
    return (this.sent.at(-1) as { id: number }).id;
  }
}

describe('bridge client', () => {
  let sockets: FakeSocket[];
  let logs: string[];
  const latest = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  const client = () =>
    connectBridge({
      url: 'ws://127.0.0.1:1/bridge',
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      callTimeoutMs: 1000,
      log: (l) => logs.push(l),
    });

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    logs = [];
  });
  afterEach(() => vi.useRealTimers());

  it('sends named calls as invoke frames and resolves them with the validated result', async () => {
    const c = client();
    latest().open();
    const pending = c.api.getRejects();
    expect(latest().sent).toEqual([{ kind: 'invoke', id: 1, call: 'getRejects', args: [] }]);
    latest().receive({
      kind: 'result',
      id: 1,
      result: { ok: true, value: { total: 2, byReason: {}, byRemote: {} } },
    });
    await expect(pending).resolves.toEqual({ ok: true, value: { total: 2, byReason: {}, byRemote: {} } });
  });

  it('holds a call made before the link is up and sends it once it is', async () => {
    const c = client();
    const early = c.api.getRejects();
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([{ kind: 'invoke', id: 1, call: 'getRejects', args: [] }]);
    latest().receive({
      kind: 'result',
      id: 1,
      result: { ok: true, value: { total: 0, byReason: {}, byRemote: {} } },
    });
    await expect(early).resolves.toMatchObject({ ok: true });
  });

  it('fails a call the link never comes up for, within the call time, and sends it nowhere', async () => {
    const c = client();
    const early = c.api.getFleet();
    latest().drop(); // refused: the client is reconnecting
    vi.advanceTimersByTime(1001);
    await expect(early).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/Not connected to the console/) },
    });
    vi.runOnlyPendingTimers();
    latest().open();
    expect(latest().sent).toEqual([]);
  });

  it('fails a call already sent when the link drops', async () => {
    const c = client();
    latest().open();
    const pending = c.api.getFleet();
    latest().drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('drops and counts frames that do not match the contract', async () => {
    const c = client();
    latest().open();
    const events: unknown[] = [];
    c.api.onFleetPatch((p) => events.push(p));
    const pending = c.api.getConnection();
    const id = latest().lastId();
    latest().receive('garbage');
    latest().receive({ kind: 'surprise' });
    latest().receive({ kind: 'event', event: 'fleetPatch', payload: { at: 'yesterday' } });
    latest().receive({ kind: 'event', event: 'toString', payload: {} });
    latest().receive({ kind: 'result', id: 999, result: { ok: true, value: 1 } });
    latest().receive({ kind: 'result', id, result: { ok: true, value: { brokers: 'none' } } });
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(events).toEqual([]);
    expect(c.link.rejectedFrames()).toBe(6);
    expect(logs).toHaveLength(6);

    const patch = { at: 5, upserts: [remote('r-1', 5)] };
    latest().receive({ kind: 'event', event: 'fleetPatch', payload: patch });
    expect(events).toEqual([patch]);
  });

  it('times out a call the host never answers', async () => {
    const c = client();
    latest().open();
    const pending = c.api.getFleet();
    vi.advanceTimersByTime(1001);
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reconnects with growing backoff and reports each state of the link', () => {
    const c = client();
    const states: LinkState['kind'][] = [];
    c.link.onChange((s) => states.push(s.kind));
    latest().drop(); // refused before opening
    expect(c.link.state()).toMatchObject({ kind: 'lost', attempt: 2 });
    const firstDelay = (c.link.state() as { retryAt: number }).retryAt - Date.now();
    vi.advanceTimersByTime(firstDelay);
    expect(sockets).toHaveLength(2);
    latest().drop();
    const secondDelay = (c.link.state() as { retryAt: number }).retryAt - Date.now();
    expect(secondDelay).toBeGreaterThan(firstDelay);
    vi.advanceTimersByTime(secondDelay);
    latest().open();
    expect(states).toEqual(['lost', 'connecting', 'lost', 'connecting', 'open']);
    // An established link that drops starts again from the first, shortest delay.
    latest().drop();
    expect(c.link.state()).toMatchObject({ kind: 'lost', attempt: 1 });
    c.close();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(3);
  });
});
