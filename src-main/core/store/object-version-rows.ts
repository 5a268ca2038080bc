/**
 * Reads of the outbox by object, for the drift view and an object's history (docs/inventory.md): every
 * version pushed and how many remotes applied it, and where each object was ever applied.
 */
import { z } from 'zod';
import { ConfigObject, ConfigPayload } from '../../../src-shared/protocol';
import type { Db } from './database';
import { StoreCorruptError } from './store-corrupt';

export interface ObjectVersionRow {
  key: string;
  object: z.infer<typeof ConfigObject>;
  pushId: string;
  version: number;
  op: 'upsert' | 'delete';
  author: string;
  createdAt: number;
  /** Deliveries of this version that ended applied. */
  applied: number;
}

const VersionRow = z.object({
  object_key: z.string(),
  object: z.string(),
  id: z.string(),
  version: z.number().int().positive(),
  op: z.enum(['upsert', 'delete']),
  author: z.string(),
  created_at: z.number().int(),
  applied: z.number().int(),
});

const COLUMNS = `p.object_key, p.object, p.id, p.version, p.op, p.author, p.created_at,
  (SELECT COUNT(*) FROM deliveries d WHERE d.push_id = p.id AND d.kind = 'applied') AS applied`;

export class ObjectVersionTable {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      all: db.prepare<[]>(
        `SELECT ${COLUMNS} FROM pushes p ORDER BY p.object_key, p.version DESC, p.seq DESC`,
      ),
      of: db.prepare<[string]>(
        `SELECT ${COLUMNS} FROM pushes p WHERE p.object_key = ? ORDER BY p.version DESC, p.seq DESC`,
      ),
      appliedTo: db.prepare<[], { object_key: string; remote_id: string }>(
        `SELECT DISTINCT p.object_key, d.remote_id FROM deliveries d JOIN pushes p ON p.id = d.push_id
         WHERE d.kind = 'applied' ORDER BY p.object_key, d.remote_id`,
      ),
      payload: db.prepare<[string], { payload: string | null }>('SELECT payload FROM pushes WHERE id = ?'),
    };
  }

  /** Every version of every object (or of one key), newest first per object; payloads left out. */
  versions(key?: string): ObjectVersionRow[] {
    return (key === undefined ? this.q.all.all() : this.q.of.all(key)).map(read);
  }

  /** Per object key, the remotes where some version of it was applied. */
  appliedTo(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.q.appliedTo.all()) {
      const list = out.get(r.object_key) ?? [];
      list.push(r.remote_id);
      out.set(r.object_key, list);
    }
    return out;
  }

  /** A push's payload; undefined for a delete (or no such push). */
  payload(pushId: string): z.infer<typeof ConfigPayload> | undefined {
    const row = this.q.payload.get(pushId);
    if (row?.payload == null) return undefined;
    const parsed = ConfigPayload.safeParse(JSON.parse(row.payload));
    if (!parsed.success) throw new StoreCorruptError(`push ${pushId}'s payload does not read back`);
    return parsed.data;
  }
}

function read(raw: unknown): ObjectVersionRow {
  const row = VersionRow.safeParse(raw);
  const object = row.success ? ConfigObject.safeParse(JSON.parse(row.data.object)) : undefined;
  if (!row.success || !object?.success) {
    throw new StoreCorruptError(`a push does not read back as an object version`);
  }
  const r = row.data;
  return {
    key: r.object_key,
    object: object.data,
    pushId: r.id,
    version: r.version,
    op: r.op,
    author: r.author,
    createdAt: r.created_at,
    applied: r.applied,
  };
}
