import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import { makeEnvelope, type Body } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-node/smt/testing/wait';
import type { LogEntry, LogSink } from '../../../src-node/log';
import { openDatabase, type Db } from '../store/database';
import { PushStore } from '../store/push-store';
import { StoreUnwritableError } from '../store/unwritable';
import { PushRefused } from './plan';
import type { PushPort } from './port';
import type { PushProgress } from './progress-feed';
import { PushEngine } from './push-engine';

const dirs: string[] = [];
const dbs: Db[] = [];
const engines: PushEngine[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const e of engines.splice(0)) e.close();
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const newFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-engine-'));
  dirs.push(dir);
  return join(dir, 'console.db');
};

const fleet = (n: number): SelectableRemote[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r-${String(i + 1).padStart(4, '0')}`,
    tags: i % 2 === 0 ? ['site:ams'] : ['site:fra'],
    capabilities: ['dns'],
    status: 'online',
    hostname: `ns${i + 1}.example`,
  }));

interface Sent {
  remoteId: string;
  smtId: string;
  body: Body<'config'>;
}

/**
 * A broker stand-in: receipts at once unless told to fail, or holds them until released. What it
 * receipted waits in `queue` until the remote takes it (`take`) or a withdrawal removes it.
 */
class FakePort implements PushPort {
  sent: Sent[] = [];
  failing = false;
  failFor = new Set<string>();
  connected = true;
  hold = false;
  queue = new Map<string, { remoteId: string; expiresAt?: number }>();
  withdrawals: string[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private held: (() => void)[] = [];
  onSend: (s: Sent) => void = () => undefined;
  constructor(private readonly fleet: SelectableRemote[]) {}
  remotes = () => this.fleet;
  send = async (remoteId: string, body: Body<'config'>, smtId: string, opts: { expiresAt?: number } = {}) => {
    const s = { remoteId, smtId, body };
    this.onSend(s);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((r) => this.held.push(r));
      else await Promise.resolve();
      if (this.failing || this.failFor.has(remoteId)) throw new Error('not connected');
      this.sent.push(s);
      this.queue.set(smtId, { remoteId, ...opts });
    } finally {
      this.inFlight--;
    }
  };
  withdraw = async (remoteId: string, smtId: string) => {
    await Promise.resolve();
    if (!this.connected) throw new Error('not connected to a broker (connection is backoff)');
    this.withdrawals.push(smtId);
    const m = this.queue.get(smtId);
    if (m?.remoteId !== remoteId) return false;
    this.queue.delete(smtId);
    return true;
  };
  /** The remote's consumer takes what waits for it: it can no longer be withdrawn. */
  take(remoteId: string) {
    for (const [id, m] of this.queue) if (m.remoteId === remoteId) this.queue.delete(id);
  }
  release() {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }
}

function setup(
  n = 3,
  file = newFile(),
  opts: { concurrency?: number; now?: () => number; brokerExpiryGraceMs?: number; log?: LogSink } = {},
) {
  const db = openDatabase(file);
  dbs.push(db);
  const store = new PushStore(db);
  const port = new FakePort(fleet(n));
  let t = 1_000;
  const engine = new PushEngine({ store, port, now: () => (t += 10), progressIntervalMs: 5, ...opts });
  engines.push(engine);
  return { db, store, port, engine, file };
}

const zone = { kind: 'zone' as const, name: 'example.test' };
const payload = { format: 'zone-text' as const, text: '$TTL 300\n' };
const result = (
  from: string,
  ref: string,
  state: Body<'result'>['state'],
  extra: Partial<Body<'result'>> = {},
) =>
  makeEnvelope('result', from, {
    ref,
    state,
    ...(state === 'applied' ? { sha256: 'c'.repeat(64) } : {}),
    ...(state === 'failed' ? { reason: 'zone example.test/IN: not loaded due to errors' } : {}),
    ...extra,
  });

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

describe('PushEngine cancel', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `r-${String(i + 1).padStart(4, '0')}`);
  const pushTo = (engine: PushEngine, n: number, extra: { canary?: number; expiresAt?: number } = {}) =>
    engine.push({ object: zone, payload, selector: { kind: 'ids', ids: ids(n) }, author: 'a', ...extra })
      .push;

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

describe('PushEngine deadlines', () => {
  const GRACE = 30_000;
  const T0 = 1_700_000_000_000;
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `r-${String(i + 1).padStart(4, '0')}`);
  const clocked = (n: number, file = newFile()) => {
    vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    return setup(n, file, { now: () => Date.now(), brokerExpiryGraceMs: GRACE });
  };
  const pushTo = (engine: PushEngine, n: number, extra: { canary?: number; expiresAt?: number } = {}) =>
    engine.push({ object: zone, payload, selector: { kind: 'ids', ids: ids(n) }, author: 'a', ...extra })
      .push;
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
