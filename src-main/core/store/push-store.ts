import { z } from 'zod';
import { objectKey } from '../../../src-shared/config/object-key';
import { TargetSelector } from '../../../src-shared/config/selector';
import { ConfigObject, ConfigPayload, MessageId, RemoteId } from '../../../src-shared/protocol';
import { DeliveryState, transition, type DeliveryEvent } from '../../../src-shared/push/delivery';
import { PushState } from '../../../src-shared/ipc/push-views';
import { AuditStore, type AuditEntry } from './audit-store';
import type { Db } from './database';
import { unwritableOf } from './unwritable';

export type { AuditEntry } from './audit-store';
export { PushState } from '../../../src-shared/ipc/push-views';

export const PushRecord = z.object({
  /** Creation order: pushes are sent, and resent, in this order. */
  seq: z.number().int().positive(),
  id: MessageId,
  createdAt: z.number().int().nonnegative(),
  author: z.string().min(1),
  object: ConfigObject,
  version: z.number().int().positive(),
  op: z.enum(['upsert', 'delete']),
  payload: ConfigPayload.optional(),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
  selector: TargetSelector,
  /** In id order; a canary is the first `canary` of them. */
  targets: z.array(RemoteId),
  canary: z.number().int().positive().nullable(),
  /** The push's deadline (epoch ms): what no remote has by then is withdrawn and expired. */
  expiresAt: z.number().int().positive().nullable(),
  state: PushState,
  haltReason: z.string().nullable(),
});
export type PushRecord = z.infer<typeof PushRecord>;

export interface DeliveryRow {
  pushId: string;
  remoteId: string;
  state: DeliveryState;
}

export interface StoredEvent {
  seq: number;
  pushId: string;
  remoteId: string;
  at: number;
  event: unknown;
  from: DeliveryState['kind'] | null;
  to: DeliveryState['kind'];
}

/** One of a remote's deliveries with what the Remote screen shows of its push. */
export interface RemoteDeliveryRow {
  pushId: string;
  object: ObjectRef;
  version: number;
  state: DeliveryState;
}

/** Another console on the profile wrote a push of this version of the object first. */
export class VersionTakenError extends Error {
  override name = 'VersionTakenError';
  constructor(readonly latest: number) {
    super(`version ${latest} is already pushed for this object`);
  }
}

/** A row that does not read back as what was written: the database was changed behind the console's back. */
export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
}

interface PushRow {
  seq: number;
  id: string;
  created_at: number;
  author: string;
  object: string;
  version: number;
  op: string;
  payload: string | null;
  payload_sha256: string;
  selector: string;
  targets: string;
  canary: number | null;
  expires_at: number | null;
  state: string;
  halt_reason: string | null;
}

export type ObjectRef = z.infer<typeof ConfigObject>;

function readPush(row: PushRow): PushRecord {
  const parsed = PushRecord.safeParse({
    seq: row.seq,
    id: row.id,
    createdAt: row.created_at,
    author: row.author,
    object: JSON.parse(row.object),
    version: row.version,
    op: row.op,
    payload: row.payload === null ? undefined : JSON.parse(row.payload),
    payloadSha256: row.payload_sha256,
    selector: JSON.parse(row.selector),
    targets: JSON.parse(row.targets),
    canary: row.canary,
    expiresAt: row.expires_at,
    state: row.state,
    haltReason: row.halt_reason,
  });
  if (!parsed.success)
    throw new StoreCorruptError(`push ${row.id} does not read back: ${parsed.error.message}`);
  return parsed.data;
}

function readState(pushId: string, remoteId: string, json: string): DeliveryState {
  const parsed = DeliveryState.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new StoreCorruptError(`delivery ${pushId}/${remoteId} does not read back: ${parsed.error.message}`);
  }
  return parsed.data;
}

/**
 * The outbox: pushes, their deliveries and every transition, over one profile's database. Synchronous
 * (better-sqlite3), so a caller's write is on disk before it acknowledges or sends anything.
 */
export class PushStore {
  private readonly q;
  /** The profile's audit trail, in the same database so a push and its entry are written together. */
  readonly auditLog: AuditStore;

  /** `profile`: the IPAM profile this database belongs to, stamped on its audit entries. */
  constructor(
    private readonly db: Db,
    opts: { profile?: string } = {},
  ) {
    this.auditLog = new AuditStore(db, opts.profile ?? '');
    this.q = {
      insertPush: db.prepare(
        `INSERT INTO pushes (id, created_at, author, object_key, object, version, op, payload, payload_sha256,
           selector, targets, canary, expires_at, state, halt_reason)
         VALUES (@id, @created_at, @author, @object_key, @object, @version, @op, @payload, @payload_sha256,
           @selector, @targets, @canary, @expires_at, 'open', NULL)`,
      ),
      push: db.prepare<[string], PushRow>('SELECT * FROM pushes WHERE id = ?'),
      pushState: db.prepare<[string], { state: string; halt_reason: string | null }>(
        'SELECT state, halt_reason FROM pushes WHERE id = ?',
      ),
      pushes: db.prepare<[], PushRow>('SELECT * FROM pushes ORDER BY seq'),
      pushesIn: db.prepare<[string], PushRow>('SELECT * FROM pushes WHERE state = ? ORDER BY seq'),
      deadlines: db.prepare<[], { id: string; expires_at: number }>(
        `SELECT id, expires_at FROM pushes
         WHERE expires_at IS NOT NULL AND state IN ('open', 'halted') ORDER BY expires_at`,
      ),
      maxVersion: db.prepare<[string], { v: number | null }>(
        'SELECT MAX(version) AS v FROM pushes WHERE object_key = ?',
      ),
      pushAt: db.prepare<[string, number], PushRow>(
        'SELECT * FROM pushes WHERE object_key = ? AND version = ? ORDER BY seq DESC LIMIT 1',
      ),
      objects: db.prepare<[], { object: string }>(
        'SELECT object FROM pushes GROUP BY object_key ORDER BY MAX(seq) DESC',
      ),
      setState: db.prepare('UPDATE pushes SET state = ?, halt_reason = ? WHERE id = ?'),
      insertDelivery: db.prepare(
        `INSERT INTO deliveries (push_id, remote_id, smt_id, attempt, kind, state, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateDelivery: db.prepare(
        `UPDATE deliveries SET smt_id = ?, attempt = ?, kind = ?, state = ?, updated_at = ?
         WHERE push_id = ? AND remote_id = ?`,
      ),
      delivery: db.prepare<[string, string], { state: string }>(
        'SELECT state FROM deliveries WHERE push_id = ? AND remote_id = ?',
      ),
      bySmtId: db.prepare<[string], { push_id: string; remote_id: string }>(
        'SELECT push_id, remote_id FROM deliveries WHERE smt_id = ?',
      ),
      deliveries: db.prepare<[string], { remote_id: string; state: string }>(
        'SELECT remote_id, state FROM deliveries WHERE push_id = ? ORDER BY remote_id',
      ),
      undone: db.prepare<[string], { n: number }>(
        `SELECT COUNT(*) AS n FROM deliveries
         WHERE push_id = ? AND kind NOT IN ('applied', 'failed', 'rolled-back', 'superseded', 'expired', 'cancelled')`,
      ),
      queued: db.prepare<[], { push_id: string; remote_id: string; state: string }>(
        `SELECT d.push_id, d.remote_id, d.state FROM deliveries d JOIN pushes p ON p.id = d.push_id
         WHERE d.kind = 'queued' ORDER BY p.seq, d.remote_id`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO delivery_events (push_id, remote_id, at, event, from_state, to_state)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      events: db.prepare<
        [string],
        {
          seq: number;
          push_id: string;
          remote_id: string;
          at: number;
          event: string;
          from_state: string | null;
          to_state: string;
        }
      >('SELECT * FROM delivery_events WHERE push_id = ? ORDER BY seq'),
      ofRemote: db.prepare<
        [string, number],
        { push_id: string; object: string; version: number; state: string }
      >(
        `SELECT d.push_id, p.object, p.version, d.state FROM deliveries d JOIN pushes p ON p.id = d.push_id
         WHERE d.remote_id = ? ORDER BY d.updated_at DESC, p.seq DESC LIMIT ?`,
      ),
      waitingOf: db.prepare<[string], { push_id: string; state: string }>(
        `SELECT push_id, state FROM deliveries WHERE remote_id = ? AND kind IN ('queued', 'sent')`,
      ),
    };
  }

  /** The highest version ever pushed for this object, 0 when none. */
  maxVersion(object: ObjectRef): number {
    return this.q.maxVersion.get(objectKey(object))?.v ?? 0;
  }

  /** The push that carried this version of the object (a draft's base, a served version), if this profile made it. */
  pushAt(object: ObjectRef, version: number): PushRecord | undefined {
    const row = this.q.pushAt.get(objectKey(object), version);
    return row ? readPush(row) : undefined;
  }

  /** Every zone and scope this profile has pushed, most recently pushed first. */
  objects(): ObjectRef[] {
    return this.q.objects.all().flatMap(({ object }) => {
      const parsed = ConfigObject.safeParse(JSON.parse(object));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /**
   * The push, its first deliveries (queued) and the audit entry, all or nothing. The version check and
   * the insert are one IMMEDIATE transaction, so two consoles on one profile cannot both push version n:
   * the second gets VersionTakenError with the version now highest.
   */
  createPush(
    push: Omit<PushRecord, 'seq' | 'state' | 'haltReason'>,
    first: readonly { remoteId: string; state: DeliveryState }[],
  ): PushRecord {
    this.write(() =>
      this.db
        .transaction(() => {
          const latest = this.maxVersion(push.object);
          if (push.version <= latest) throw new VersionTakenError(latest);
          this.q.insertPush.run({
            id: push.id,
            created_at: push.createdAt,
            author: push.author,
            object_key: objectKey(push.object),
            object: JSON.stringify(push.object),
            version: push.version,
            op: push.op,
            payload: push.payload === undefined ? null : JSON.stringify(push.payload),
            payload_sha256: push.payloadSha256,
            selector: JSON.stringify(push.selector),
            targets: JSON.stringify(push.targets),
            canary: push.canary,
            expires_at: push.expiresAt,
          });
          this.insertDeliveries(push.id, first, push.createdAt);
          this.audit({
            at: push.createdAt,
            actor: push.author,
            action: 'push',
            subject: push.id,
            detail: { object: push.object, version: push.version, targets: push.targets.length },
          });
        })
        .immediate(),
    );
    return this.push(push.id) as PushRecord;
  }

  /** New queued deliveries (a rollout's next stage), written before any of them is sent. */
  addDeliveries(
    pushId: string,
    first: readonly { remoteId: string; state: DeliveryState }[],
    at: number,
  ): void {
    this.write(() => this.db.transaction(() => this.insertDeliveries(pushId, first, at))());
  }

  push(id: string): PushRecord | undefined {
    const row = this.q.push.get(id);
    return row ? readPush(row) : undefined;
  }

  /** The only part of a push that changes, without reading its payload. */
  pushState(id: string): { state: PushState; haltReason: string | null } | undefined {
    const row = this.q.pushState.get(id);
    if (!row) return undefined;
    const state = PushState.safeParse(row.state);
    if (!state.success) throw new StoreCorruptError(`push ${id} has the unknown state "${row.state}"`);
    return { state: state.data, haltReason: row.halt_reason };
  }

  pushes(state?: PushState): PushRecord[] {
    return (state ? this.q.pushesIn.all(state) : this.q.pushes.all()).map(readPush);
  }

  /** Pushes still under way that have a deadline, the nearest first. */
  deadlines(): { pushId: string; expiresAt: number }[] {
    return this.q.deadlines.all().map((r) => ({ pushId: r.id, expiresAt: r.expires_at }));
  }

  setPushState(id: string, state: PushState, haltReason: string | null = null): void {
    this.write(() => this.q.setState.run(state, haltReason, id));
  }

  delivery(pushId: string, remoteId: string): DeliveryState | undefined {
    const row = this.q.delivery.get(pushId, remoteId);
    return row ? readState(pushId, remoteId, row.state) : undefined;
  }

  /** The delivery whose current attempt has this smt-id. */
  findBySmtId(smtId: string): { pushId: string; remoteId: string } | undefined {
    const row = this.q.bySmtId.get(smtId);
    return row ? { pushId: row.push_id, remoteId: row.remote_id } : undefined;
  }

  deliveries(pushId: string): Map<string, DeliveryState> {
    return new Map(
      this.q.deliveries.all(pushId).map((r) => [r.remote_id, readState(pushId, r.remote_id, r.state)]),
    );
  }

  /** Deliveries of the push not done yet (see isDone); targets without a delivery are not counted. */
  undone(pushId: string): number {
    return this.q.undone.get(pushId)?.n ?? 0;
  }

  /** Every delivery still queued, in push order and then remote id: the order they are (re)sent in. */
  queued(): DeliveryRow[] {
    return this.q.queued.all().map((r) => ({
      pushId: r.push_id,
      remoteId: r.remote_id,
      state: readState(r.push_id, r.remote_id, r.state),
    }));
  }

  /**
   * Runs the delivery machine on the stored state and stores the new state with its event row in one
   * transaction. Returns both states when it moved, undefined when the event changed nothing (nothing
   * is written) or there is no such delivery. IMMEDIATE: the write lock is taken before the read, so a
   * console in another process writing at the same moment is waited for (busy_timeout); a deferred
   * transaction that read first fails at once with SQLITE_BUSY instead, and the result would be lost.
   */
  apply(
    pushId: string,
    remoteId: string,
    event: DeliveryEvent,
  ): { from: DeliveryState; to: DeliveryState } | undefined {
    return this.write(() =>
      this.db
        .transaction(() => {
          const from = this.delivery(pushId, remoteId);
          if (!from) return undefined;
          const to = transition(from, event);
          if (to === from) return undefined;
          this.q.updateDelivery.run(
            to.smtId,
            to.attempt,
            to.kind,
            JSON.stringify(to),
            event.at,
            pushId,
            remoteId,
          );
          this.q.insertEvent.run(pushId, remoteId, event.at, JSON.stringify(event), from.kind, to.kind);
          return { from, to };
        })
        .immediate(),
    );
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction: the transitions it applies (each a savepoint inside it) are
   * committed together, one WAL sync for a whole burst of receipts or results instead of one each.
   */
  batch<T>(fn: () => T): T {
    return this.write(() => this.db.transaction(fn).immediate());
  }

  events(pushId: string): StoredEvent[] {
    return this.q.events.all(pushId).map((r) => ({
      seq: r.seq,
      pushId: r.push_id,
      remoteId: r.remote_id,
      at: r.at,
      event: JSON.parse(r.event) as unknown,
      from: r.from_state as StoredEvent['from'],
      to: r.to_state as StoredEvent['to'],
    }));
  }

  audit(entry: AuditEntry): void {
    this.write(() => this.auditLog.record(entry));
  }

  auditTrail(): AuditEntry[] {
    return this.auditLog.trail();
  }

  /** A remote's deliveries, the most recently changed first. */
  deliveriesOf(remoteId: string, limit: number): RemoteDeliveryRow[] {
    return this.q.ofRemote.all(remoteId, limit).map((r) => {
      const object = ConfigObject.safeParse(JSON.parse(r.object));
      if (!object.success) throw new StoreCorruptError(`push ${r.push_id} has an unreadable object`);
      return {
        pushId: r.push_id,
        object: object.data,
        version: r.version,
        state: readState(r.push_id, remoteId, r.state),
      };
    });
  }

  /** A remote's deliveries still on their way to it (queued or sent, not yet received). */
  waitingOf(remoteId: string): DeliveryState[] {
    return this.q.waitingOf.all(remoteId).map((r) => readState(r.push_id, remoteId, r.state));
  }

  /**
   * A write the database's disk refused (full, read-only, failing) is a StoreUnwritableError that says
   * so and what to do; the transaction wrote nothing.
   */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw unwritableOf(e, this.db.name) ?? e;
    }
  }

  private insertDeliveries(
    pushId: string,
    first: readonly { remoteId: string; state: DeliveryState }[],
    at: number,
  ): void {
    for (const { remoteId, state } of first) {
      this.q.insertDelivery.run(
        pushId,
        remoteId,
        state.smtId,
        state.attempt,
        state.kind,
        JSON.stringify(state),
        at,
      );
      this.q.insertEvent.run(pushId, remoteId, at, JSON.stringify({ type: 'create', at }), null, state.kind);
    }
  }
}
