import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import { makeEnvelope, type Body } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { openDatabase, type Db } from '../store/database';
import { PushStore } from '../store/push-store';
import { PushEngine, PushRefused, type PushPort, type PushProgress } from './push-engine';

const dirs: string[] = [];
const dbs: Db[] = [];
const engines: PushEngine[] = [];
afterEach(() => {
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

/** A broker stand-in: receipts at once unless told to fail, or holds them until released. */
class FakePort implements PushPort {
  sent: Sent[] = [];
  failing = false;
  hold = false;
  maxInFlight = 0;
  private inFlight = 0;
  private held: (() => void)[] = [];
  onSend: (s: Sent) => void = () => undefined;
  constructor(private readonly fleet: SelectableRemote[]) {}
  remotes = () => this.fleet;
  send = async (remoteId: string, body: Body<'config'>, smtId: string) => {
    const s = { remoteId, smtId, body };
    this.onSend(s);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((r) => this.held.push(r));
      else await Promise.resolve();
      if (this.failing) throw new Error('not connected');
      this.sent.push(s);
    } finally {
      this.inFlight--;
    }
  };
  release() {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }
}

function setup(n = 3, file = newFile(), opts: { concurrency?: number } = {}) {
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
    const { engine, port } = setup(2);
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
    expect(engine.deliveries(push.id).get('r-0001')?.kind).toBe('sent');
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
    expect(engine.cancel(push.id, 'bob')).toEqual({ cancelled: 2 });
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
