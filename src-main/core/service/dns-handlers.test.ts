import { describe, expect, it, vi } from 'vitest';
import { silentLog } from '../../../src-node/log';
import { dnsHandlers } from './dns-handlers';
import type { Handlers } from './handlers';
import type { ProfileSession } from './profile-session';
import { dispatchCall } from './service-dispatch';

/** A session whose core records queries: enough to see what findName sends, and that it sends nothing. */
function fakeSession(link: 'connected' | 'reconnecting') {
  const query = vi.fn(() => Promise.resolve({ ok: true as const, data: { answers: ['192.0.2.1'] } }));
  const session = {
    core: {
      connectionStatus: () => ({ state: { kind: link } }),
      fleet: {
        selectable: () => [{ id: 'd1', tags: [], capabilities: ['dns'], status: 'online', hostname: 'd1' }],
        get: (id: string) => (id === 'd1' ? {} : undefined),
      },
      query,
    },
    inventory: { objects: () => ({ objects: [], driftedRemotes: [], generatedAt: 0 }) },
  } as unknown as ProfileSession;
  // Only findName is dispatched here; the other handlers are never reached.
  const handlers = dnsHandlers(() => session, { queryTimeoutMs: 1_000 }) as unknown as Handlers;
  return { query, call: (args: unknown) => dispatchCall(handlers, 'findName', [args] as never, silentLog) };
}

describe('findName at the IPC boundary', () => {
  it('refuses a malformed name or type with the reason, asking no remote', async () => {
    const { query, call } = fakeSession('connected');
    const bad = await call({ name: 'www..example.test' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request', message: /empty label/ } });
    const type = await call({ name: 'www.example.test', rrtype: 'HINFO' });
    expect(type).toMatchObject({ ok: false, error: { message: /record type to look up is one of/ } });
    expect(query).not.toHaveBeenCalled();
  });

  it('asks with the default type A, and refuses at once without a broker', async () => {
    const { query, call } = fakeSession('connected');
    const r = await call({ name: 'www.example.test' });
    expect(r).toMatchObject({ ok: true, value: { rrtype: 'A', distinctAnswers: 1 } });
    expect(query).toHaveBeenCalledWith(
      'd1',
      { query: 'lookup', name: 'www.example.test.', rrtype: 'A' },
      { timeoutMs: 1_000 },
    );
    const offline = fakeSession('reconnecting');
    expect(await offline.call({ name: 'www.example.test' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: /No broker is connected/ },
    });
    expect(offline.query).not.toHaveBeenCalled();
  });
});
