import type { SliceCreator } from './slice';
import type { FleetPatch, FleetSnapshot, RemoteView } from '../../src-shared/ipc';

export type RemoteStatus = RemoteView['status'];
export type StatusCounts = Record<RemoteStatus, number>;

export const sortKeys = [
  'id',
  'hostname',
  'ip',
  'status',
  'cpu',
  'mem',
  'disk',
  'processes',
  'lastSeen',
] as const;
export type SortKey = (typeof sortKeys)[number];
export interface SortOrder {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export type StatusFilter = RemoteStatus | 'all';

export interface FleetState {
  remotes: ReadonlyMap<string, RemoteView>;
  counts: StatusCounts;
  /** `at` of the snapshot or the last patch applied; null until the first snapshot. */
  fleetAt: number | null;
  query: string;
  statusFilter: StatusFilter;
  sort: SortOrder;
}

export interface FleetActions {
  loadSnapshot(snapshot: FleetSnapshot): void;
  applyPatches(patches: readonly FleetPatch[]): void;
  setQuery(query: string): void;
  setStatusFilter(filter: StatusFilter): void;
  /** A click on a column header: that column ascending, or the other way if it already sorts. */
  sortBy(key: SortKey): void;
}

export type FleetSlice = FleetState & FleetActions;

export const initialFleet: FleetState = {
  remotes: new Map(),
  counts: { online: 0, offline: 0, unknown: 0 },
  fleetAt: null,
  query: '',
  statusFilter: 'all',
  sort: { key: 'id', dir: 'asc' },
};

function countStatuses(remotes: ReadonlyMap<string, RemoteView>): StatusCounts {
  const counts: StatusCounts = { online: 0, offline: 0, unknown: 0 };
  for (const r of remotes.values()) counts[r.status]++;
  return counts;
}

export function withSnapshot(state: FleetState, snapshot: FleetSnapshot): Partial<FleetState> {
  const remotes = new Map(snapshot.remotes.map((r) => [r.id, r]));
  return { remotes, counts: countStatuses(remotes), fleetAt: snapshot.at };
}

/**
 * Many patches, one new map: the renderer applies whatever arrived since its last frame in one go. A patch
 * older than the snapshot it follows is already part of it (the snapshot may be fetched after the
 * subscription started) and is skipped, so a row never goes back in time.
 */
export function withPatches(state: FleetState, patches: readonly FleetPatch[]): Partial<FleetState> {
  if (state.fleetAt === null) return {};
  const fresh = patches.filter((p) => p.at >= (state.fleetAt ?? 0));
  if (fresh.length === 0) return {};
  const remotes = new Map(state.remotes);
  let fleetAt = state.fleetAt;
  for (const patch of fresh) {
    for (const r of patch.upserts) remotes.set(r.id, r);
    for (const id of patch.removed) remotes.delete(id);
    fleetAt = Math.max(fleetAt, patch.at);
  }
  return { remotes, counts: countStatuses(remotes), fleetAt };
}

export const createFleetSlice: SliceCreator<FleetSlice> = (set) => ({
  ...initialFleet,
  loadSnapshot: (snapshot) => set((s) => withSnapshot(s, snapshot)),
  applyPatches: (patches) => set((s) => withPatches(s, patches)),
  setQuery: (query) => set({ query }),
  setStatusFilter: (statusFilter) => set({ statusFilter }),
  sortBy: (key) =>
    set((s) => ({
      sort: { key, dir: s.sort.key === key && s.sort.dir === 'asc' ? 'desc' : 'asc' },
    })),
});
