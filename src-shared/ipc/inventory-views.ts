import { z } from 'zod';
import { ConfigObject, RemoteId } from '../protocol';
import { StartPushRequest } from './push-views';

/**
 * Zones & Scopes (docs/inventory.md): what the console intends every object to be, against what each
 * remote reports it serves (the served inventory), per remote.
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const EpochMs = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Version = z.number().int().positive();

/** An object's key as console and agent compute it (objectKey): `zone:<name>` or `scope:<cidr>`. */
export const ObjectKey = z
  .string()
  .max(300)
  .regex(
    /^(zone:[a-z0-9._-]+|scope:[0-9./]+)$/,
    'an object key such as zone:example.test or scope:10.0.0.0/24',
  );
export type ObjectKey = z.infer<typeof ObjectKey>;

/**
 * One remote's state for one object:
 * - in-sync: it serves exactly the intended version (same hash of the comparable text).
 * - drifted: it serves something else (edited by hand, or an object the console deleted).
 * - missing: the console applied the object there and the remote no longer serves it.
 * - extra: it serves an object the console does not own (never pushed through this profile).
 * - unknown: no inventory from it yet, or the service could not be read (`note` says which).
 */
export const SyncState = z.enum(['in-sync', 'drifted', 'missing', 'extra', 'unknown']);
export type SyncState = z.infer<typeof SyncState>;
export const syncStates = SyncState.options;

export const RemoteObjectView = z.object({
  remoteId: RemoteId,
  state: SyncState,
  /** Hash of what it serves; null when it does not serve the object or its text cannot be read. */
  servedSha256: Sha256.nullable(),
  /** The version its ledger last applied for the object; null if none. */
  servedVersion: Version.nullable(),
  /** Zones: the SOA serial it answers with. */
  serial: z.number().int().nonnegative().nullable(),
  /** Since when it serves this hash (the remote's clock); null when unknown. */
  since: EpochMs.nullable(),
  /** When the console received the inventory this row comes from; null: never. Old means stale. */
  reportedAt: EpochMs.nullable(),
  /** Why the state is unknown, or what else an admin should know (an unreadable service, a truncated list). */
  note: z.string().max(2_000).nullable(),
});
export type RemoteObjectView = z.infer<typeof RemoteObjectView>;

/** The version the console intends: the last one applied through it to at least one remote. */
export const IntendedVersion = z.object({
  version: Version,
  op: z.enum(['upsert', 'delete']),
  /** Hash of its comparable text (comparableText); null for a delete. */
  sha256: Sha256.nullable(),
  pushId: z.string(),
  /** When that push was created. */
  at: EpochMs,
});
export type IntendedVersion = z.infer<typeof IntendedVersion>;

export const ObjectView = z.object({
  key: ObjectKey,
  object: ConfigObject,
  /** Null for an object the console does not own: only remotes that serve it (extra) are listed. */
  intended: IntendedVersion.nullable(),
  /** How many versions this profile ever pushed for it. */
  versions: Count,
  counts: z.record(SyncState, Count),
  /** In remote id order. */
  remotes: z.array(RemoteObjectView),
});
export type ObjectView = z.infer<typeof ObjectView>;

export const ObjectsView = z.object({
  /** Owned objects first, then extra ones; by kind and name. */
  objects: z.array(ObjectView),
  /** Remotes with at least one drifted or missing object. */
  driftedRemotes: z.array(RemoteId),
  generatedAt: EpochMs,
});
export type ObjectsView = z.infer<typeof ObjectsView>;

export const ObjectVersionView = z.object({
  version: Version,
  op: z.enum(['upsert', 'delete']),
  pushId: z.string(),
  author: z.string(),
  createdAt: EpochMs,
  /** Hash of the comparable text; null for a delete. */
  sha256: Sha256.nullable(),
  /** Remotes that applied this version (deliveries ended applied). */
  appliedTo: Count,
  /** The comparable text; null for a delete. */
  text: z.string().nullable(),
});
export type ObjectVersionView = z.infer<typeof ObjectVersionView>;

export const ObjectHistory = z.object({
  key: ObjectKey,
  object: ConfigObject,
  intendedVersion: Version.nullable(),
  /** Newest first. */
  versions: z.array(ObjectVersionView),
});
export type ObjectHistory = z.infer<typeof ObjectHistory>;

export const ObjectQuery = z.strictObject({ key: ObjectKey });

/** Reconcile: the intended version again, to the drifted and missing remotes (or those named). */
export const ReconcileQuery = z.strictObject({
  key: ObjectKey,
  /** Limit to these remotes (each must be drifted or missing); default: all drifted and missing ones. */
  remoteIds: z.array(RemoteId).max(10_000).optional(),
});

/** Revert: an earlier version's content again, pushed as a new version. */
export const RevertQuery = z.strictObject({ key: ObjectKey, version: Version });

/**
 * A push request built for a reconcile or revert: the renderer's Push screen and `smt` preview and start
 * it on the ordinary push path. A zone's SOA serial is raised past every serial a target serves, so a
 * named that was edited by hand with a higher serial still takes it.
 */
export const PlannedPush = z.object({
  request: StartPushRequest,
  /** What it does, for the admin: "reconcile zone example.test to version 3 on 2 remotes". */
  summary: z.string(),
  /** The remotes it goes to. */
  remoteIds: z.array(RemoteId),
});
export type PlannedPush = z.infer<typeof PlannedPush>;

/** Adopt: what one remote serves for the object becomes a new draft. */
export const AdoptQuery = z.strictObject({ key: ObjectKey, remoteId: RemoteId });
