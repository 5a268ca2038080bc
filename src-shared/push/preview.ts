import { z } from 'zod';
import { ConfigObject, RemoteId } from '../protocol';

/**
 * What a push would change on each target, from what each serves now (the `config` query): the result
 * of previewPush, shown by `smt push … --preview` and by the renderer's push screen.
 */

/**
 * - new: the remote does not serve the object; the push would add it.
 * - changed: it serves something else; `diff` names the served → proposed diff.
 * - unchanged: it serves exactly what the push carries.
 * - removed: a delete of an object it serves (`diff` shows what goes).
 * - absent: a delete of an object it does not serve; that delivery would fail.
 * - unreachable: offline in the fleet model (not asked) or no answer in time.
 * - error: the remote answered the query with an error (its own words in `reason`).
 */
export const PreviewStatus = z.enum([
  'new',
  'changed',
  'unchanged',
  'removed',
  'absent',
  'unreachable',
  'error',
]);
export type PreviewStatus = z.infer<typeof PreviewStatus>;
export const previewStatuses = PreviewStatus.options;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const DiffLineSchema = z.object({
  op: z.enum([' ', '-', '+']),
  text: z.string(),
  noNewline: z.literal(true).optional(),
});

export const HunkSchema = z.object({
  beforeStart: z.number().int().nonnegative(),
  beforeCount: z.number().int().nonnegative(),
  afterStart: z.number().int().nonnegative(),
  afterCount: z.number().int().nonnegative(),
  lines: z.array(DiffLineSchema),
});

/** One served → proposed diff, shared by every remote that serves the same text (same `servedSha256`). */
export const PreviewDiff = z.object({
  /** The key the remotes' entries name: the SHA-256 of the served text the diff starts from. */
  servedSha256: Sha256,
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  /** False when the diff search hit its cap and shows a whole replacement (src-shared/config/line-diff). */
  exact: z.boolean(),
  hunks: z.array(HunkSchema),
  /** The remotes that serve this text, in id order. */
  remotes: z.array(RemoteId),
});
export type PreviewDiff = z.infer<typeof PreviewDiff>;

export const PreviewEntry = z.object({
  remote: RemoteId,
  status: PreviewStatus,
  /** The version the remote's ledger last applied for the object; null if none or not known. */
  servedVersion: z.number().int().positive().nullable(),
  servedSha256: Sha256.nullable(),
  /** For changed and removed: the servedSha256 of the diff in `diffs`. */
  diff: Sha256.nullable(),
  /** unreachable: offline (in the fleet model, not asked) or timeout (asked, no answer in time). */
  unreachable: z.enum(['offline', 'timeout']).optional(),
  /** Why, for unreachable and error. */
  reason: z.string().optional(),
});
export type PreviewEntry = z.infer<typeof PreviewEntry>;

export const PushPreview = z.object({
  object: ConfigObject,
  op: z.enum(['upsert', 'delete']),
  /** The version the push would carry: the one given, else one above the highest pushed. */
  proposedVersion: z.number().int().positive(),
  /** SHA-256 of the proposed text (the zone text, or the rendered scope); null for a delete. */
  proposedSha256: Sha256.nullable(),
  /** One per target, in id order. */
  remotes: z.array(PreviewEntry),
  diffs: z.array(PreviewDiff),
  counts: z.record(PreviewStatus, z.number().int().nonnegative()),
  /** Ids the selector names that the fleet does not know; not targets. */
  unknown: z.array(RemoteId),
  /** How long each remote had to answer. */
  timeoutMs: z.number().int().positive(),
});
export type PushPreview = z.infer<typeof PushPreview>;
