import type {
  ObjectView,
  ObjectsView,
  RemoteObjectView,
  SyncState,
} from '../../src-shared/ipc/inventory-views';
import { syncStates } from '../../src-shared/ipc/inventory-views';

const hash = (c: string) => c.repeat(64);

/** One remote's row as the core would report it: in sync, served since `at - 60 s`, reported at `at`. */
export function remoteRow(
  remoteId: string,
  state: SyncState,
  at: number,
  overrides: Partial<RemoteObjectView> = {},
): RemoteObjectView {
  const serves = state !== 'missing' && state !== 'unknown';
  return {
    remoteId,
    state,
    servedSha256: serves ? hash(state === 'in-sync' ? 'a' : 'b') : null,
    servedVersion: state === 'in-sync' ? 3 : state === 'drifted' ? 3 : null,
    serial: serves ? 2026120703 : null,
    since: serves ? at - 60_000 : null,
    reportedAt: state === 'unknown' ? null : at,
    note: state === 'unknown' ? 'no inventory from this remote yet' : null,
    ...overrides,
  };
}

/** A zone the console owns at version 3, with these remotes; counts are computed from them. */
export function zoneView(name: string, remotes: RemoteObjectView[], owned = true): ObjectView {
  const counts = Object.fromEntries(syncStates.map((s) => [s, 0])) as Record<SyncState, number>;
  for (const r of remotes) counts[r.state]++;
  return {
    key: `zone:${name}`,
    object: { kind: 'zone', name },
    intended: owned
      ? { version: 3, op: 'upsert', sha256: hash('a'), pushId: '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', at: 1 }
      : null,
    versions: owned ? 3 : 0,
    counts,
    remotes,
  };
}

/** The whole view: drifted remotes are those with a drifted or missing row. */
export function objectsView(objects: ObjectView[], generatedAt: number): ObjectsView {
  const drifted = new Set<string>();
  for (const o of objects)
    for (const r of o.remotes) if (r.state === 'drifted' || r.state === 'missing') drifted.add(r.remoteId);
  return { objects, driftedRemotes: [...drifted].sort(), generatedAt };
}
