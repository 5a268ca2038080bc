import { ConfigObject } from '../../../src-shared/protocol';
import { objectKey } from '../../../src-shared/config/object-key';
import { transition, type DeliveryEvent, type DeliveryState } from '../../../src-shared/push/delivery';
import { PushState } from '../../../src-shared/ipc/push-views';
import { AuditStore, type AuditEntry } from './audit-store';
import type { Db } from './database';
import { DeliveryTable, type DeliveryRow, type RemoteDeliveryRow, type StoredEvent } from './delivery-rows';
import { ObjectVersionTable, type ObjectVersionRow } from './object-version-rows';
import { pushRowOf, readPush, type ObjectRef, type PushRecord, type PushRow } from './push-rows';
import { StoreCorruptError } from './store-corrupt';
import { unwritableOf } from './unwritable';

export type { AuditEntry } from './audit-store';
export { PushState } from '../../../src-shared/ipc/push-views';
export type { DeliveryRow, RemoteDeliveryRow, StoredEvent } from './delivery-rows';
export type { ObjectVersionRow } from './object-version-rows';
export { PushRecord, type ObjectRef } from './push-rows';
export { StoreCorruptError } from './store-corrupt';

/** Another console on the profile wrote a push of this version of the object first. */
export class VersionTakenError extends Error {
  override name = 'VersionTakenError';
  constructor(readonly latest: number) {
    super(`version ${latest} is already pushed for this object`);
  }
}

/**
 * The outbox: pushes, their deliveries and every transition, over one profile's database. Synchronous
 * (better-sqlite3), so a caller's write is on disk before it acknowledges or sends anything.
 */
export class PushStore {
  private readonly q;
  private readonly rows: DeliveryTable;
  private readonly byObject: ObjectVersionTable;
  /** The profile's audit trail, in the same database so a push and its entry are written together. */
  readonly auditLog: AuditStore;

  /** `profile`: the IPAM profile this database belongs to, stamped on its audit entries. */
  constructor(
    private readonly db: Db,
    opts: { profile?: string } = {},
  ) {
    this.auditLog = new AuditStore(db, opts.profile ?? '');
    this.rows = new DeliveryTable(db);
    this.byObject = new ObjectVersionTable(db);
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
          this.q.insertPush.run(pushRowOf(push, objectKey(push.object)));
          this.rows.insert(push.id, first, push.createdAt);
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
    this.write(() => this.db.transaction(() => this.rows.insert(pushId, first, at))());
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
    return this.rows.get(pushId, remoteId);
  }

  /** The delivery whose current attempt has this smt-id. */
  findBySmtId(smtId: string): { pushId: string; remoteId: string } | undefined {
    return this.rows.findBySmtId(smtId);
  }

  deliveries(pushId: string): Map<string, DeliveryState> {
    return this.rows.ofPush(pushId);
  }

  /** Deliveries of the push not done yet (see isDone); targets without a delivery are not counted. */
  undone(pushId: string): number {
    return this.rows.undone(pushId);
  }

  /** Every delivery still queued, in push order and then remote id: the order they are (re)sent in. */
  queued(): DeliveryRow[] {
    return this.rows.queued();
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
          this.rows.update(pushId, remoteId, event, from, to);
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
    return this.rows.events(pushId);
  }

  audit(entry: AuditEntry): void {
    this.write(() => this.auditLog.record(entry));
  }

  auditTrail(): AuditEntry[] {
    return this.auditLog.trail();
  }

  /** A remote's deliveries, the most recently changed first. */
  deliveriesOf(remoteId: string, limit: number): RemoteDeliveryRow[] {
    return this.rows.ofRemote(remoteId, limit);
  }

  /** A remote's deliveries still on their way to it (queued or sent, not yet received). */
  waitingOf(remoteId: string): DeliveryState[] {
    return this.rows.waitingOf(remoteId);
  }

  /** Every version pushed of every object (or of one object key), newest first, with how many applied it. */
  objectVersions(key?: string): ObjectVersionRow[] {
    return this.byObject.versions(key);
  }

  /** Per object key, the remotes where some version of it was applied. */
  appliedTo(): Map<string, string[]> {
    return this.byObject.appliedTo();
  }

  /** A push's payload without the rest of its row; undefined for a delete. */
  payloadOf(pushId: string): ReturnType<ObjectVersionTable['payload']> {
    return this.byObject.payload(pushId);
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
}
