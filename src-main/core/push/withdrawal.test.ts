import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, newFile, pushTo, result, setup, type Sent } from './testing/engine-fixture';

// Withdrawal as the engine's cancel uses it; expiry's use of it is in deadlines.test.ts.
afterEach(cleanUp);

describe('PushEngine cancel', () => {
  it('withdraws queued and sent deliveries from the broker, and leaves what a remote took as sent', async () => {
    const { engine, port, store } = setup(4);
    port.failFor.add('r-0004');
    const push = pushTo(engine, 4);
    await engine.idle();
    port.take('r-0003');
    expect(await engine.cancel(push.id, 'bob')).toEqual({ cancelled: 3, withRemote: 1, unreachable: 0 });
    // Nothing of the push is left in the broker: r-0004's unreceipted send was looked for too.
    expect(port.queue.size).toBe(0);
    expect(port.withdrawals).toHaveLength(4);
    const d = engine.deliveries(push.id);
    expect([...d].map(([r, s]) => [r, s.kind])).toEqual([
      ['r-0001', 'cancelled'],
      ['r-0002', 'cancelled'],
      ['r-0003', 'sent'],
      ['r-0004', 'cancelled'],
    ]);
    expect(engine.progress(push.id).state).toBe('cancelled');
    expect(store.auditTrail().at(-1)).toMatchObject({
      actor: 'bob',
      action: 'cancel',
      detail: { cancelled: 3, withRemote: 1, unreachable: 0 },
    });
    // The remote that had it applies it; its report stands.
    engine.takeResult(result('r-0003', (d.get('r-0003') as { smtId: string }).smtId, 'applied'));
    expect(engine.deliveries(push.id).get('r-0003')?.kind).toBe('applied');
  });

  it('says what it could not withdraw without a broker session, and withdraws it when asked again', async () => {
    const { engine, port } = setup(3);
    port.failFor.add('r-0003');
    const push = pushTo(engine, 3);
    await engine.idle();
    port.connected = false;
    // Queued ones never reached the broker as far as anyone knows: cancelled. Sent ones stay sent.
    expect(await engine.cancel(push.id, 'bob')).toEqual({ cancelled: 1, withRemote: 0, unreachable: 2 });
    expect(engine.progress(push.id).summary.counts).toMatchObject({ sent: 2, cancelled: 1 });
    port.connected = true;
    expect(await engine.cancel(push.id, 'bob')).toEqual({ cancelled: 2, withRemote: 0, unreachable: 0 });
    expect(port.queue.size).toBe(0);
  });

  it('lets a send under way settle, then withdraws it; unsent ones never go out', async () => {
    const { engine, port } = setup(3, newFile(), { concurrency: 1 });
    port.hold = true;
    const push = pushTo(engine, 3);
    const cancelling = engine.cancel(push.id, 'bob');
    // Marked at once: nothing new starts while the withdrawal runs.
    expect(engine.progress(push.id).state).toBe('cancelled');
    port.release();
    expect(await cancelling).toEqual({ cancelled: 3, withRemote: 0, unreachable: 0 });
    await engine.idle();
    expect(port.sent.map((s) => s.remoteId)).toEqual(['r-0001']);
    expect(port.queue.size).toBe(0);
    // The two never handed to the broker are not looked for.
    expect(port.withdrawals).toHaveLength(1);
    engine.resendQueued();
    await engine.idle();
    expect(port.sent).toHaveLength(1);
  });

  it('starts no canary stage once cancelled, even when the canary applies', async () => {
    const { engine, port } = setup(3);
    const push = pushTo(engine, 3, { canary: 1 });
    await engine.idle();
    port.take('r-0001');
    expect(await engine.cancel(push.id, 'bob')).toEqual({ cancelled: 0, withRemote: 1, unreachable: 0 });
    engine.takeResult(result('r-0001', (port.sent[0] as Sent).smtId, 'applied'));
    await engine.idle();
    expect(port.sent).toHaveLength(1);
    expect(engine.progress(push.id)).toMatchObject({ state: 'cancelled', summary: { counts: { held: 2 } } });
  });
});
