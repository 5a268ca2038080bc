/**
 * The drift model (docs/inventory.md): what the console intends every zone and scope to be, against the
 * served inventory each remote last reported. Pure: the console's stores feed it, the Zones & Scopes
 * view, `smt objects` / `smt drift` and the drift events read what it returns.
 */
import type { z } from 'zod';
import { objectKey } from '../config/object-key';
import type { ConfigObject, RemoteId } from '../protocol';
import type { ServedBody, ServedObject } from '../protocol/bodies';
import type {
  IntendedVersion,
  ObjectView,
  ObjectsView,
  RemoteObjectView,
  SyncState,
} from '../ipc/inventory-views';
import { syncStates } from '../ipc/inventory-views';

type ConfigObjectT = z.infer<typeof ConfigObject>;
type Served = z.infer<typeof ServedBody>;
type ServedObj = z.infer<typeof ServedObject>;

/** An object this profile pushed: its newest version applied anywhere, and where any version was applied. */
export interface OwnedObject {
  key: string;
  object: ConfigObjectT;
  intended: IntendedVersion;
  /** How many versions this profile pushed for it. */
  versions: number;
  /** Remotes where some version of it was applied (a delivery ended applied). */
  appliedTo: readonly string[];
  /**
   * Hashes of the versions pushed with the intended content apart from a zone's SOA serial (a reconcile or
   * revert must raise the serial, so the remotes it was not sent to serve an earlier serial of the same
   * content): serving one of them is in sync. See sameContentHashes.
   */
  sameContent?: readonly string[];
}

/** The newest served inventory a remote sent; `served` null: none yet. */
export interface RemoteInventory {
  remoteId: z.infer<typeof RemoteId>;
  served: Served | null;
  /** When the console received it (console clock); null with `served`. */
  receivedAt: number | null;
}

/** The service whose inventory lists an object: an unreadable one leaves its objects unknown. */
const serviceOf = (o: ConfigObjectT) => (o.kind === 'zone' ? 'named' : 'kea-dhcp4');

const NO_INVENTORY = 'no served inventory from this remote yet';

/** One remote's state for an object the profile owns. */
export function classifyOwned(
  owned: OwnedObject,
  inv: RemoteInventory,
  index: ReadonlyMap<string, ServedObj> | undefined = inv.served ? indexServed(inv.served) : undefined,
): RemoteObjectView {
  const blank = {
    remoteId: inv.remoteId,
    servedSha256: null,
    servedVersion: null,
    serial: null,
    since: null,
    reportedAt: inv.receivedAt,
    note: null,
  };
  if (inv.served === null) return { ...blank, state: 'unknown', note: NO_INVENTORY };
  const served = index?.get(owned.key);
  if (served !== undefined) {
    const row = { ...blank, ...servedFields(served) };
    if (served.sha256 === null) {
      return { ...row, state: 'unknown', note: 'it serves the object but its text cannot be read' };
    }
    if (owned.intended.op === 'delete') {
      return {
        ...row,
        state: 'drifted',
        note: `still served after version ${owned.intended.version} deleted it`,
      };
    }
    if (served.sha256 === owned.intended.sha256) return { ...row, state: 'in-sync' };
    if (owned.sameContent?.includes(served.sha256)) {
      const serial = served.serial === undefined ? '' : ` (serial ${served.serial})`;
      return { ...row, state: 'in-sync', note: `the intended content under an earlier SOA serial${serial}` };
    }
    return { ...row, state: 'drifted' };
  }
  const unread = whyUnread(inv.served, owned.object);
  if (unread !== null) return { ...blank, state: 'unknown', note: unread };
  return owned.intended.op === 'delete' ? { ...blank, state: 'in-sync' } : { ...blank, state: 'missing' };
}

/** Why an object absent from the inventory may still be served: null when its absence is certain. */
function whyUnread(served: Served, object: ConfigObjectT): string | null {
  const service = serviceOf(object);
  const source = served.sources.find((s) => s.service === service);
  if (source === undefined) return `the remote does not report ${service}`;
  if (!source.readable) {
    // The agent's error may take the whole 2,000 characters a note has.
    return `${service} could not be read${source.error ? `: ${source.error}` : ''}`.slice(0, 2_000);
  }
  if (served.truncated) return 'the inventory is truncated: it lists only the first objects';
  return null;
}

/** An inventory's objects by key: each owned object is looked up once per remote, not searched for. */
function indexServed(served: Served): Map<string, ServedObj> {
  const index = new Map<string, ServedObj>();
  for (const o of served.objects) {
    const key = objectKey(o.object);
    if (!index.has(key)) index.set(key, o);
  }
  return index;
}

function servedFields(o: ServedObj) {
  return { servedSha256: o.sha256, servedVersion: o.version, serial: o.serial ?? null, since: o.since };
}

const emptyCounts = (): Record<SyncState, number> =>
  Object.fromEntries(syncStates.map((s) => [s, 0])) as Record<SyncState, number>;

function countsOf(rows: readonly RemoteObjectView[]): Record<SyncState, number> {
  const counts = emptyCounts();
  for (const r of rows) counts[r.state]++;
  return counts;
}

const byId = (a: { remoteId: string }, b: { remoteId: string }) =>
  a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0;

/** Zones before scopes, then by name; numeric runs compared as numbers (10.0.2.0 before 10.0.10.0). */
export function compareKeys(a: string, b: string): number {
  const kind = (k: string) => (k.startsWith('zone:') ? 0 : 1);
  return kind(a) - kind(b) || a.localeCompare(b, 'en', { numeric: true });
}

/**
 * The whole view. An owned object lists the remotes it was applied to and every remote that serves it;
 * a remote that serves an owned object it never had applied is compared all the same (in-sync or
 * drifted), as the console intends that object everywhere it is served. Objects no push of this
 * profile made are `extra`, listed with the remotes that serve them.
 */
export function objectsView(
  owned: readonly OwnedObject[],
  inventories: readonly RemoteInventory[],
  now: number,
): ObjectsView {
  const ownedKeys = new Set(owned.map((o) => o.key));
  const objects: ObjectView[] = [];
  const indexed = inventories.map((inv) => ({
    inv,
    index: inv.served ? indexServed(inv.served) : undefined,
  }));
  for (const o of [...owned].sort((a, b) => compareKeys(a.key, b.key))) {
    const applied = new Set(o.appliedTo);
    const rows = indexed
      .filter(({ inv, index }) => applied.has(inv.remoteId) || index?.has(o.key))
      .map(({ inv, index }) => classifyOwned(o, inv, index));
    // A remote it was applied to but the console no longer knows still counts, as unknown.
    const listed = new Set(rows.map((r) => r.remoteId));
    for (const id of applied) {
      if (!listed.has(id)) rows.push(classifyOwned(o, { remoteId: id, served: null, receivedAt: null }));
    }
    rows.sort(byId);
    objects.push({
      key: o.key,
      object: o.object,
      intended: o.intended,
      versions: o.versions,
      counts: countsOf(rows),
      remotes: rows,
    });
  }
  const extra = new Map<string, { object: ConfigObjectT; rows: RemoteObjectView[] }>();
  // The index holds each key once per remote: a remote listing a zone twice is one row.
  for (const { inv, index } of indexed) {
    for (const [key, s] of index ?? []) {
      if (ownedKeys.has(key)) continue;
      const entry = extra.get(key) ?? { object: s.object, rows: [] };
      entry.rows.push({
        remoteId: inv.remoteId,
        state: 'extra',
        ...servedFields(s),
        reportedAt: inv.receivedAt,
        note: null,
      });
      extra.set(key, entry);
    }
  }
  for (const key of [...extra.keys()].sort(compareKeys)) {
    const { object, rows } = extra.get(key) as { object: ConfigObjectT; rows: RemoteObjectView[] };
    rows.sort(byId);
    objects.push({ key, object, intended: null, versions: 0, counts: countsOf(rows), remotes: rows });
  }
  const drifted = new Set<string>();
  for (const o of objects) for (const r of o.remotes) if (isDrift(r.state)) drifted.add(r.remoteId);
  return { objects, driftedRemotes: [...drifted].sort(), generatedAt: now };
}

/** The states an admin is warned about: the remote does not serve what the console intends. */
export const isDrift = (s: SyncState): s is 'drifted' | 'missing' => s === 'drifted' || s === 'missing';

/** What was last raised for an (object, remote): the drift state and the served hash it was raised for. */
export interface Raised {
  state: 'drifted' | 'missing';
  servedSha256: string | null;
}

export type DriftChange =
  | { kind: 'raise'; key: string; remoteId: string; row: RemoteObjectView; raised: Raised }
  | { kind: 'clear'; key: string; remoteId: string; row: RemoteObjectView | null };

const pairKey = (key: string, remoteId: string) => `${key}\u0000${remoteId}`;

/**
 * What to tell the admin after a new view, given what was raised before (persisted, so a restart does
 * not raise again): a drift is raised when a pair becomes drifted or missing, or drifts to another hash;
 * cleared when it is in sync again or no longer listed. Unknown changes nothing: a remote that went
 * quiet has not fixed anything.
 */
export function driftChanges(
  raised: ReadonlyMap<string, ReadonlyMap<string, Raised>>,
  view: ObjectsView,
): DriftChange[] {
  const changes: DriftChange[] = [];
  const seen = new Set<string>();
  for (const o of view.objects) {
    if (o.intended === null) continue;
    for (const row of o.remotes) {
      seen.add(pairKey(o.key, row.remoteId));
      const before = raised.get(o.key)?.get(row.remoteId);
      if (isDrift(row.state)) {
        if (before?.state === row.state && before.servedSha256 === row.servedSha256) continue;
        changes.push({
          kind: 'raise',
          key: o.key,
          remoteId: row.remoteId,
          row,
          raised: { state: row.state, servedSha256: row.servedSha256 },
        });
      } else if (row.state === 'in-sync' && before !== undefined) {
        changes.push({ kind: 'clear', key: o.key, remoteId: row.remoteId, row });
      }
    }
  }
  for (const [key, byRemote] of raised) {
    for (const remoteId of byRemote.keys()) {
      if (!seen.has(pairKey(key, remoteId))) changes.push({ kind: 'clear', key, remoteId, row: null });
    }
  }
  return changes;
}

/** A hash as an admin reads it in a message: its first 12 hex digits, or what stands for none. */
export const shortHash = (sha: string | null): string => (sha === null ? 'none' : sha.slice(0, 12));
