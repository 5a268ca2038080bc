import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { SelectableRemote } from '../../../../src-shared/config/selector';
import { makeEnvelope, type Body } from '../../../../src-shared/protocol';
import type { LogSink } from '../../../../src-node/log';
import { openDatabase, type Db } from '../../store/database';
import { PushStore } from '../../store/push-store';
import type { PushPort } from '../port';
import { PushEngine } from '../push-engine';

/** The push engine's tests' common ground: a broker stand-in, an engine on a fresh database, a result. */

const dirs: string[] = [];
const dbs: Db[] = [];
const engines: PushEngine[] = [];
/** Each test file's afterEach: closes what setup opened and removes its files. */
export function cleanUp(): void {
  vi.useRealTimers();
  for (const e of engines.splice(0)) e.close();
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
export const newFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smt-engine-'));
  dirs.push(dir);
  return join(dir, 'console.db');
};

export const fleet = (n: number): SelectableRemote[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r-${String(i + 1).padStart(4, '0')}`,
    tags: i % 2 === 0 ? ['site:ams'] : ['site:fra'],
    capabilities: ['dns'],
    status: 'online',
    hostname: `ns${i + 1}.example`,
  }));

export interface Sent {
  remoteId: string;
  smtId: string;
  body: Body<'config'>;
}

/**
 * A broker stand-in: receipts at once unless told to fail, or holds them until released. What it
 * receipted waits in `queue` until the remote takes it (`take`) or a withdrawal removes it.
 */
export class FakePort implements PushPort {
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

export function setup(
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

export const zone = { kind: 'zone' as const, name: 'example.test' };
export const payload = { format: 'zone-text' as const, text: '$TTL 300\n' };
export const result = (
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

export const ids = (n: number) => Array.from({ length: n }, (_, i) => `r-${String(i + 1).padStart(4, '0')}`);

/** A push of the test zone to the first `n` remotes. */
export const pushTo = (engine: PushEngine, n: number, extra: { canary?: number; expiresAt?: number } = {}) =>
  engine.push({ object: zone, payload, selector: { kind: 'ids', ids: ids(n) }, author: 'a', ...extra }).push;
