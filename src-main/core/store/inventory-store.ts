import { z } from 'zod';
import type { Raised } from '../../../src-shared/inventory/drift';
import { ServedBody } from '../../../src-shared/protocol';
import type { Db } from './database';

type Served = z.infer<typeof ServedBody>;

export interface StoredInventory {
  remoteId: string;
  receivedAt: number;
  /** The envelope's `ts` (the remote's clock); with `seq`, what orders a remote's inventories. */
  ts: number;
  seq: number;
  served: Served;
}

const Row = z.object({
  remote_id: z.string(),
  received_at: z.number().int(),
  ts: z.number().int(),
  seq: z.number().int(),
  body: z.string(),
});

const RaisedRow = z.object({
  object_key: z.string(),
  remote_id: z.string(),
  state: z.enum(['drifted', 'missing']),
  served_sha256: z.string().nullable(),
});

/**
 * The newest served inventory per remote, and the drifts last raised (docs/inventory.md). Inventories are
 * sent whole and may arrive out of order (a redelivered one after a newer one): only a newer one, by
 * envelope `ts` then `seq`, replaces what is stored, in one statement so two processes of the profile
 * cannot interleave.
 */
export class InventoryStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      put: db.prepare<[string, number, number, number, string]>(
        `INSERT INTO served_inventories (remote_id, received_at, ts, seq, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (remote_id) DO UPDATE SET
           received_at = excluded.received_at, ts = excluded.ts, seq = excluded.seq, body = excluded.body
         WHERE excluded.ts > served_inventories.ts
            OR (excluded.ts = served_inventories.ts AND excluded.seq > served_inventories.seq)`,
      ),
      // An answer to the `served` query is what the remote serves now: it replaces what is stored, and
      // keeps the stored order (ts, and the higher seq), so only an inventory sent after it wins over it.
      answer: db.prepare<[string, number, number, string]>(
        `INSERT INTO served_inventories (remote_id, received_at, ts, seq, body) VALUES (?, ?, 0, ?, ?)
         ON CONFLICT (remote_id) DO UPDATE SET
           received_at = excluded.received_at, seq = MAX(served_inventories.seq, excluded.seq), body = excluded.body`,
      ),
      all: db.prepare<[]>(
        'SELECT remote_id, received_at, ts, seq, body FROM served_inventories ORDER BY remote_id',
      ),
      raised: db.prepare<[]>('SELECT object_key, remote_id, state, served_sha256 FROM drift_raised'),
      raise: db.prepare<[string, string, string, string | null, number]>(
        `INSERT INTO drift_raised (object_key, remote_id, state, served_sha256, raised_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (object_key, remote_id) DO UPDATE SET
           state = excluded.state, served_sha256 = excluded.served_sha256, raised_at = excluded.raised_at`,
      ),
      clear: db.prepare<[string, string]>('DELETE FROM drift_raised WHERE object_key = ? AND remote_id = ?'),
    };
  }

  /** Stores a pushed inventory unless a newer one is stored already; true when it was stored. */
  put(remoteId: string, ts: number, served: Served, receivedAt: number): boolean {
    return this.q.put.run(remoteId, receivedAt, ts, served.seq, JSON.stringify(served)).changes > 0;
  }

  /** Stores a remote's answer to the `served` query, over whatever is stored. */
  putAnswer(remoteId: string, served: Served, receivedAt: number): void {
    this.q.answer.run(remoteId, receivedAt, served.seq, JSON.stringify(served));
  }

  /** Every stored inventory; a row that does not read back is left out and counted. */
  all(): { inventories: StoredInventory[]; corrupt: string[] } {
    const inventories: StoredInventory[] = [];
    const corrupt: string[] = [];
    for (const raw of this.q.all.all()) {
      const row = Row.safeParse(raw);
      const served = row.success ? ServedBody.safeParse(safeJson(row.data.body)) : undefined;
      if (!row.success || !served?.success) {
        corrupt.push(row.success ? row.data.remote_id : '?');
        continue;
      }
      inventories.push({
        remoteId: row.data.remote_id,
        receivedAt: row.data.received_at,
        ts: row.data.ts,
        seq: row.data.seq,
        served: served.data,
      });
    }
    return { inventories, corrupt };
  }

  /** What was last raised, per object key and remote. */
  raised(): Map<string, Map<string, Raised>> {
    const out = new Map<string, Map<string, Raised>>();
    for (const raw of this.q.raised.all()) {
      const row = RaisedRow.safeParse(raw);
      if (!row.success) continue;
      const byRemote = out.get(row.data.object_key) ?? new Map<string, Raised>();
      byRemote.set(row.data.remote_id, { state: row.data.state, servedSha256: row.data.served_sha256 });
      out.set(row.data.object_key, byRemote);
    }
    return out;
  }

  setRaised(key: string, remoteId: string, raised: Raised | null, at: number): void {
    if (raised === null) this.q.clear.run(key, remoteId);
    else this.q.raise.run(key, remoteId, raised.state, raised.servedSha256, at);
  }

  /** Runs `fn` in one IMMEDIATE transaction: reading what was raised and writing the change together. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
