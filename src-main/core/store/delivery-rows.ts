/**
 * The outbox's `deliveries` and `delivery_events` tables: each delivery's stored state and the event row
 * of every transition. Writes run inside the caller's transaction (PushStore takes it); reads validate
 * what they return and name the row that does not.
 */
import { ConfigObject } from '../../../src-shared/protocol';
import { DeliveryState, type DeliveryEvent } from '../../../src-shared/push/delivery';
import type { Db } from './database';
import type { ObjectRef } from './push-rows';
import { StoreCorruptError } from './store-corrupt';

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

function readState(pushId: string, remoteId: string, json: string): DeliveryState {
  const parsed = DeliveryState.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new StoreCorruptError(`delivery ${pushId}/${remoteId} does not read back: ${parsed.error.message}`);
  }
  return parsed.data;
}

export class DeliveryTable {
  private readonly q;

  constructor(db: Db) {
    this.q = {
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

  /** New deliveries, each with its `create` event row. */
  insert(pushId: string, first: readonly { remoteId: string; state: DeliveryState }[], at: number): void {
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

  /** A transition the delivery machine made: the new state and the event row that moved it there. */
  update(
    pushId: string,
    remoteId: string,
    event: DeliveryEvent,
    from: DeliveryState,
    to: DeliveryState,
  ): void {
    this.q.updateDelivery.run(to.smtId, to.attempt, to.kind, JSON.stringify(to), event.at, pushId, remoteId);
    this.q.insertEvent.run(pushId, remoteId, event.at, JSON.stringify(event), from.kind, to.kind);
  }

  get(pushId: string, remoteId: string): DeliveryState | undefined {
    const row = this.q.delivery.get(pushId, remoteId);
    return row ? readState(pushId, remoteId, row.state) : undefined;
  }

  findBySmtId(smtId: string): { pushId: string; remoteId: string } | undefined {
    const row = this.q.bySmtId.get(smtId);
    return row ? { pushId: row.push_id, remoteId: row.remote_id } : undefined;
  }

  ofPush(pushId: string): Map<string, DeliveryState> {
    return new Map(
      this.q.deliveries.all(pushId).map((r) => [r.remote_id, readState(pushId, r.remote_id, r.state)]),
    );
  }

  undone(pushId: string): number {
    return this.q.undone.get(pushId)?.n ?? 0;
  }

  queued(): DeliveryRow[] {
    return this.q.queued.all().map((r) => ({
      pushId: r.push_id,
      remoteId: r.remote_id,
      state: readState(r.push_id, r.remote_id, r.state),
    }));
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

  ofRemote(remoteId: string, limit: number): RemoteDeliveryRow[] {
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

  waitingOf(remoteId: string): DeliveryState[] {
    return this.q.waitingOf.all(remoteId).map((r) => readState(r.push_id, remoteId, r.state));
  }
}
