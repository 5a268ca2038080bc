import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEnvelope } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-node/smt/testing/wait';
import type { LogEntry } from '../../../src-node/log';
import { StoreUnwritableError } from '../store/unwritable';
import { PushRefused } from './plan';
import type { PushProgress } from './progress-feed';
import { cleanUp, newFile, payload, result, setup, zone, type Sent } from './testing/engine-fixture';

afterEach(cleanUp);

describe('PushEngine versions with two consoles on one database', () => {
  it('moves a version left to it past one another console wrote meanwhile, and refuses a chosen one', async () => {
    const a = setup(2);
    const b = setup(2, a.file);
    const req = {
      object: zone,
      payload,
      selector: { kind: 'ids' as const, ids: ['r-0001'] },
      author: 'alice',
    };
    // Console A read the highest version (0) just before console B wrote version 1.
    const read = vi.spyOn(a.store, 'maxVersion').mockReturnValueOnce(0);
    expect(b.engine.push(req).push.version).toBe(1);
    expect(a.engine.push(req).push.version).toBe(2);
    expect(read).toHaveBeenCalled();
    read.mockReturnValueOnce(0);
    expect(() => a.engine.push({ ...req, version: 2 })).toThrow(
      new PushRefused('version 2 was pushed meanwhile by another console on this profile'),
    );
    expect(a.store.pushes().map((p) => p.version)).toEqual([1, 2]);
  });
});

describe('PushEngine', () => {
  it('writes the push and its queued deliveries before the first send, then moves them on', async () => {
    const { engine, port, store } = setup(3);
    port.onSend = (s) => {
      // The outbox holds the delivery, queued, under the id being sent.
      expect(store.findBySmtId(s.smtId)).toMatchObject({ remoteId: s.remoteId });
      expect(store.delivery(s.body.pushId, s.remoteId)?.kind).toBe('queued');
    };
    const { push, unknown } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'tags', any: ['site:ams'] },
      author: 'alice',
    });
    expect(unknown).toEqual([]);
    expect(push).toMatchObject({ version: 1, targets: ['r-0001', 'r-0003'], state: 'open' });
    await engine.idle();
    expect(port.sent.map((s) => s.remoteId)).toEqual(['r-0001', 'r-0003']);
    expect(port.sent[0]?.body).toMatchObject({
      pushId: push.id,
      object: zone,
      version: 1,
      op: 'upsert',
      payload,
    });
    expect(engine.progress(push.id).summary.counts.sent).toBe(2);

    for (const s of port.sent) {
      engine.takeResult(result(s.remoteId, s.smtId, 'delivered'));
      engine.takeResult(result(s.remoteId, s.smtId, 'applied'));
      engine.takeResult(result(s.remoteId, s.smtId, 'applied'));
    }
    const p = engine.progress(push.id);
    expect(p).toMatchObject({
      state: 'done',
      summary: { done: 2, isComplete: true, counts: { applied: 2 } },
    });
    expect(store.events(push.id).map((e) => e.to)).toEqual([
      'queued',
      'queued',
      'sent',
      'sent',
      'delivered',
      'applied',
      'delivered',
      'applied',
    ]);
  });

  it('ignores results from the wrong remote or for unknown messages', async () => {
    const logs: LogEntry[] = [];
    const { engine, port } = setup(2, newFile(), { log: (e) => void logs.push(e) });
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001'] },
      author: 'a',
    });
    await engine.idle();
    const s = port.sent[0] as Sent;
    engine.takeResult(result('r-0002', s.smtId, 'applied'));
    engine.takeResult(result('r-0001', crypto.randomUUID(), 'applied'));
    engine.takeResult(makeEnvelope('result', 'r-0001', { ref: s.smtId, state: 'applied' }));
    engine.takeResult(result('r-0002', s.smtId, 'failed'));
    expect(engine.deliveries(push.id).get('r-0001')?.kind).toBe('sent');
    // A remote answering for another's delivery is logged, once.
    expect(logs.filter((l) => l.remote === 'r-0002').map((l) => l.msg)).toEqual([
      'result from r-0002 about the delivery to r-0001 refused; further ones are ignored quietly',
    ]);
  });

  it('numbers versions per object, reports unknown ids, and refuses what cannot be pushed', () => {
    const { engine } = setup(2);
    const a = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001', 'r-0404'] },
      author: 'a',
    });
    expect(a.unknown).toEqual(['r-0404']);
    expect(a.push.targets).toEqual(['r-0001']);
    expect(
      engine.push({
        object: { kind: 'zone', name: 'Example.Test.' },
        payload,
        selector: { kind: 'ids', ids: ['r-0001'] },
        author: 'a',
      }).push.version,
    ).toBe(2);
    expect(
      engine.push({
        object: zone,
        version: 10,
        payload,
        selector: { kind: 'ids', ids: ['r-0001'] },
        author: 'a',
      }).push.version,
    ).toBe(10);
    expect(() =>
      engine.push({
        object: zone,
        version: 10,
        payload,
        selector: { kind: 'ids', ids: ['r-0001'] },
        author: 'a',
      }),
    ).toThrow(/version 10 is not above version 10/);
    expect(() =>
      engine.push({ object: zone, payload, selector: { kind: 'ids', ids: ['r-0404'] }, author: 'a' }),
    ).toThrow(/does not know r-0404/);
    expect(() =>
      engine.push({ object: zone, payload, selector: { kind: 'tags', all: ['nowhere'] }, author: 'a' }),
    ).toThrow(PushRefused);
    expect(() =>
      engine.push({ object: zone, selector: { kind: 'ids', ids: ['r-0001'] }, author: 'a' }),
    ).toThrow(/carries a payload/);
    expect(engine.pushes()).toHaveLength(3);
  });

  it('keeps a delivery queued when the send fails and resends it with the same smt-id', async () => {
    const { engine, port, store } = setup(2);
    port.failing = true;
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001', 'r-0002'] },
      author: 'a',
    });
    await engine.idle();
    expect(port.sent).toEqual([]);
    const ids = [...store.deliveries(push.id).values()].map((d) => d.smtId);
    expect(engine.progress(push.id).summary.counts.queued).toBe(2);
    port.failing = false;
    engine.resendQueued();
    await engine.idle();
    expect(port.sent.map((s) => s.smtId)).toEqual(ids);
    expect(engine.progress(push.id).summary.counts.sent).toBe(2);
  });

  it('lets a new engine on the same database send what the old one left queued, under the same ids', async () => {
    const first = setup(3);
    first.port.hold = true;
    const { push } = first.engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001', 'r-0002', 'r-0003'] },
      author: 'a',
    });
    const queuedIds = [...first.store.deliveries(push.id).values()].map((d) => d.smtId);
    first.engine.close();
    first.port.release();
    const second = setup(3, first.file);
    second.engine.resendQueued();
    await second.engine.idle();
    expect(second.port.sent.map((s) => s.smtId)).toEqual(queuedIds);
    expect(second.engine.progress(push.id).summary.counts.sent).toBe(3);
  });

  it('sends a thousand deliveries with bounded concurrency', async () => {
    const { engine, port } = setup(1000, newFile(), { concurrency: 16 });
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      author: 'a',
    });
    await engine.idle();
    expect(port.sent).toHaveLength(1000);
    expect(port.maxInFlight).toBeLessThanOrEqual(16);
    expect(engine.progress(push.id).summary.counts.sent).toBe(1000);
  }, 30_000);

  it('stores a burst of receipts, and a burst of results, each in one transaction', async () => {
    const { engine, port, store } = setup(200, newFile(), { concurrency: 500 });
    const batches = vi.spyOn(store, 'batch');
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      author: 'a',
    });
    await engine.idle();
    // The fake broker receipts them all in one turn of the event loop: one commit for the 200.
    expect(batches).toHaveBeenCalledTimes(1);
    expect(engine.progress(push.id).summary.counts.sent).toBe(200);
    engine.takeResults(port.sent.map((s) => result(s.remoteId, s.smtId, 'applied')));
    expect(batches).toHaveBeenCalledTimes(2);
    expect(engine.progress(push.id)).toMatchObject({ state: 'done', summary: { counts: { applied: 200 } } });
  });

  it('stores the rest of a burst when one of its transitions fails, and logs that one', async () => {
    const log = vi.fn();
    const { engine, port, store } = setup(3, newFile(), { log });
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      author: 'a',
    });
    await engine.idle();
    const apply = store.apply.bind(store);
    vi.spyOn(store, 'apply').mockImplementation((pushId, remoteId, event) => {
      if (remoteId === 'r-0002') throw new Error('disk I/O error');
      return apply(pushId, remoteId, event);
    });
    engine.takeResults(port.sent.map((s) => result(s.remoteId, s.smtId, 'applied')));
    const states = engine.deliveries(push.id);
    expect([...states].map(([rid, d]) => [rid, d.kind])).toEqual([
      ['r-0001', 'applied'],
      ['r-0002', 'sent'],
      ['r-0003', 'applied'],
    ]);
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({
        level: 'error',
        msg: 'result for r-0002 not stored',
        error: 'Error: disk I/O error',
      }),
    );
  });

  it('sends the next canary stage that a burst of results starts only once the burst is committed', async () => {
    const { engine, port, db } = setup(4);
    engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      canary: 2,
      author: 'a',
    });
    await engine.idle();
    const inTransaction: boolean[] = [];
    port.onSend = () => inTransaction.push(db.inTransaction);
    engine.takeResults(port.sent.map((s) => result(s.remoteId, s.smtId, 'applied')));
    await engine.idle();
    expect(port.sent.map((s) => s.remoteId)).toEqual(['r-0001', 'r-0002', 'r-0003', 'r-0004']);
    expect(inTransaction).toEqual([false, false]);
  });

  it('cancels what no remote has, lets remotes that had it win, and retries with new ids', async () => {
    const { engine, port } = setup(3);
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001', 'r-0002', 'r-0003'] },
      author: 'a',
    });
    await engine.idle();
    const [s1, s2] = port.sent as [Sent, Sent];
    engine.takeResult(result('r-0001', s1.smtId, 'applied'));
    expect(await engine.cancel(push.id, 'bob')).toEqual({ cancelled: 2, withRemote: 0, unreachable: 0 });
    expect(engine.progress(push.id)).toMatchObject({
      state: 'cancelled',
      summary: { counts: { applied: 1, cancelled: 2 } },
    });
    // r-0002 had it after all.
    engine.takeResult(result('r-0002', s2.smtId, 'applied'));
    expect(engine.deliveries(push.id).get('r-0002')?.kind).toBe('applied');

    expect(engine.retry(push.id, 'bob')).toEqual({ retried: 1 });
    await engine.idle();
    const again = port.sent.at(-1) as Sent;
    expect(again.remoteId).toBe('r-0003');
    expect(port.sent.slice(0, 3).map((s) => s.smtId)).not.toContain(again.smtId);
    expect(engine.deliveries(push.id).get('r-0003')).toMatchObject({
      kind: 'sent',
      attempt: 2,
      smtId: again.smtId,
    });
    engine.takeResult(result('r-0003', again.smtId, 'applied'));
    expect(engine.progress(push.id).state).toBe('done');
  });

  it('runs a canary first, goes on once it applied, and halts on a failure with the reason', async () => {
    const { engine, port } = setup(5);
    const progress: PushProgress[] = [];
    engine.onProgress((p) => void progress.push(p));
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      canary: 2,
      author: 'a',
    });
    await engine.idle();
    expect(port.sent.map((s) => s.remoteId)).toEqual(['r-0001', 'r-0002']);
    expect(engine.progress(push.id).summary.counts.held).toBe(3);
    for (const s of port.sent.slice(0, 2)) engine.takeResult(result(s.remoteId, s.smtId, 'applied'));
    await engine.idle();
    expect(port.sent.map((s) => s.remoteId)).toEqual(['r-0001', 'r-0002', 'r-0003', 'r-0004', 'r-0005']);

    const failing = engine.push({
      object: zone,
      payload,
      selector: { kind: 'filter', status: 'any' },
      canary: 2,
      author: 'a',
    }).push;
    await engine.idle();
    const canaries = port.sent.slice(5);
    engine.takeResult(result('r-0002', (canaries[1] as Sent).smtId, 'failed'));
    const halted = engine.progress(failing.id);
    expect(halted).toMatchObject({
      state: 'halted',
      haltReason: 'canary r-0002 failed: zone example.test/IN: not loaded due to errors',
      step: { kind: 'halted', notSent: ['r-0003', 'r-0004', 'r-0005'] },
    });
    engine.takeResult(result('r-0001', (canaries[0] as Sent).smtId, 'applied'));
    await engine.idle();
    expect(port.sent).toHaveLength(7);
    await waitFor('a halted progress event', () =>
      progress.find((p) => p.pushId === failing.id && p.state === 'halted'),
    );
  });
});

describe('PushEngine on a database it cannot write', () => {
  it('keeps a delivery queued when its receipt cannot be recorded, and lets the result move it on', async () => {
    const { engine, port, db } = setup(1);
    port.hold = true;
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001'] },
      author: 'a',
    });
    await waitFor('the send under way', () => port.maxInFlight === 1);
    db.pragma('query_only = 1');
    // The receipt comes while the database refuses writes: logged, not a crash of the console.
    port.release();
    await engine.idle();
    expect(engine.deliveries(push.id).get('r-0001')?.kind).toBe('queued');
    const s = port.sent[0] as Sent;
    // A result it cannot store is refused as one to offer again (the core keeps it unacknowledged).
    expect(() => engine.takeResult(result('r-0001', s.smtId, 'applied'))).toThrow(StoreUnwritableError);
    db.pragma('query_only = 0');
    engine.takeResult(result('r-0001', s.smtId, 'applied'));
    expect(engine.progress(push.id)).toMatchObject({ state: 'done', summary: { counts: { applied: 1 } } });
  });

  it('finishes the push on the result offered again when the push state could not be written', async () => {
    const { engine, port, store } = setup(1);
    const { push } = engine.push({
      object: zone,
      payload,
      selector: { kind: 'ids', ids: ['r-0001'] },
      author: 'a',
    });
    await engine.idle();
    const s = port.sent[0] as Sent;
    vi.spyOn(store, 'setPushState').mockImplementationOnce(() => {
      throw new StoreUnwritableError('console.db', 'SQLITE_FULL', 'its disk is full: free space on it', null);
    });
    expect(() => engine.takeResult(result('r-0001', s.smtId, 'applied'))).toThrow(StoreUnwritableError);
    // The result and the push state are one transaction: neither was stored.
    expect(engine.progress(push.id)).toMatchObject({ state: 'open', summary: { counts: { applied: 0 } } });
    engine.takeResult(result('r-0001', s.smtId, 'applied'));
    expect(engine.progress(push.id).state).toBe('done');
  });
});
