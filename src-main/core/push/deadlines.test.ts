import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PushEngine } from './push-engine';
import { cleanUp, newFile, pushTo, result, setup, type Sent } from './testing/engine-fixture';

afterEach(cleanUp);

describe('PushEngine deadlines', () => {
  const GRACE = 30_000;
  const T0 = 1_700_000_000_000;
  const clocked = (n: number, file = newFile()) => {
    vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    return setup(n, file, { now: () => Date.now(), brokerExpiryGraceMs: GRACE });
  };
  const kinds = (engine: PushEngine, pushId: string) =>
    [...engine.deliveries(pushId)].map(([r, s]) => `${r}:${s.kind}`);

  it('refuses a deadline that is not in the future, and a retry past the deadline', async () => {
    const { engine } = clocked(2);
    expect(() => pushTo(engine, 1, { expiresAt: T0 })).toThrow(/not in the future/);
    const push = pushTo(engine, 1, { expiresAt: T0 + 1_000 });
    expect(push.expiresAt).toBe(T0 + 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(kinds(engine, push.id)).toEqual(['r-0001:expired']));
    expect(() => engine.retry(push.id, 'a')).toThrow(/passed its deadline/);
  });

  it('sends with the broker expiry, withdraws what waits at the deadline, and expires the rest after the grace', async () => {
    const { engine, port, store } = clocked(3);
    const expiresAt = T0 + 5_000;
    const push = pushTo(engine, 3, { expiresAt });
    await engine.idle();
    expect([...port.queue.values()].map((m) => m.expiresAt)).toEqual([
      expiresAt + GRACE,
      expiresAt + GRACE,
      expiresAt + GRACE,
    ]);
    port.take('r-0002');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(kinds(engine, push.id)).toEqual(['r-0001:sent', 'r-0002:sent', 'r-0003:sent']);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() =>
      expect(kinds(engine, push.id)).toEqual(['r-0001:expired', 'r-0002:sent', 'r-0003:expired']),
    );
    expect(port.queue.size).toBe(0);
    expect(engine.progress(push.id).state).toBe('open');
    // r-0002's remote took it and then said nothing: once the broker's copy is gone too, it expires.
    await vi.advanceTimersByTimeAsync(GRACE);
    await vi.waitFor(() => expect(engine.progress(push.id).state).toBe('done'));
    expect(kinds(engine, push.id)).toEqual(['r-0001:expired', 'r-0002:expired', 'r-0003:expired']);
    expect(store.auditTrail().filter((a) => a.action === 'expire')).toMatchObject([
      { actor: 'deadline', detail: { ended: 2, withRemote: 1, unreachable: 0 } },
      { actor: 'deadline', detail: { ended: 1, withRemote: 0, unreachable: 0 } },
    ]);
    // A report of the remote that had it still wins.
    const s2 = port.sent.find((s) => s.remoteId === 'r-0002') as Sent;
    engine.takeResult(result('r-0002', s2.smtId, 'applied'));
    expect(engine.deliveries(push.id).get('r-0002')?.kind).toBe('applied');
  });

  it('keeps the deadline of a push in the database: a new engine on it expires it on time', async () => {
    const first = clocked(2);
    first.port.hold = true;
    const push = pushTo(first.engine, 2, { expiresAt: T0 + 5_000 });
    first.engine.close();
    first.port.release();
    const second = setup(2, first.file, { now: () => Date.now(), brokerExpiryGraceMs: GRACE });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(kinds(second.engine, push.id)).toEqual(['r-0001:queued', 'r-0002:queued']);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(second.engine.progress(push.id).state).toBe('done'));
    expect(kinds(second.engine, push.id)).toEqual(['r-0001:expired', 'r-0002:expired']);
    // Queued before this engine started: the first one may have stored them, so they were looked for.
    expect(second.port.withdrawals).toHaveLength(2);
    second.engine.resendQueued();
    await second.engine.idle();
    expect(second.port.sent).toEqual([]);
  });

  it('starts no canary stage past the deadline: the held targets end expired', async () => {
    const { engine, port } = clocked(3);
    const push = pushTo(engine, 3, { canary: 1, expiresAt: T0 + 5_000 });
    await engine.idle();
    port.take('r-0001');
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitFor(() =>
      expect(engine.progress(push.id).summary.counts).toMatchObject({ sent: 1, held: 2 }),
    );
    engine.takeResult(result('r-0001', (port.sent[0] as Sent).smtId, 'applied'));
    await engine.idle();
    expect(port.sent).toHaveLength(1);
    expect(kinds(engine, push.id)).toEqual(['r-0001:applied', 'r-0002:expired', 'r-0003:expired']);
    expect(engine.progress(push.id)).toMatchObject({ state: 'done', summary: { isComplete: true } });
  });
});
