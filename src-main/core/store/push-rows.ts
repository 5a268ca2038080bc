/** The `pushes` table's rows as the outbox reads and writes them; the statements are PushStore's. */
import { z } from 'zod';
import { TargetSelector } from '../../../src-shared/config/selector';
import { ConfigObject, ConfigPayload, MessageId, RemoteId } from '../../../src-shared/protocol';
import { PushState } from '../../../src-shared/ipc/push-views';
import { StoreCorruptError } from './store-corrupt';

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

export type ObjectRef = z.infer<typeof ConfigObject>;

export interface PushRow {
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

/** A new push's row: the columns it is inserted with (it starts `open`, without a halt reason). */
export function pushRowOf(push: Omit<PushRecord, 'seq' | 'state' | 'haltReason'>, objectKey: string) {
  return {
    id: push.id,
    created_at: push.createdAt,
    author: push.author,
    object_key: objectKey,
    object: JSON.stringify(push.object),
    version: push.version,
    op: push.op,
    payload: push.payload === undefined ? null : JSON.stringify(push.payload),
    payload_sha256: push.payloadSha256,
    selector: JSON.stringify(push.selector),
    targets: JSON.stringify(push.targets),
    canary: push.canary,
    expires_at: push.expiresAt,
  };
}

/** The row as a validated record; a row that does not validate is a StoreCorruptError naming the push. */
export function readPush(row: PushRow): PushRecord {
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
