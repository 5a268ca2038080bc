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
/** A service that is down on the remote (`named` down), or null for no such filter. */
export type DownFilter = RemoteView['processes'][number]['name'] | null;

export interface FleetState {
  remotes: ReadonlyMap<string, RemoteView>;
  counts: StatusCounts;
  /** `at` of the snapshot or the last patch applied; null until the first snapshot. */
  fleetAt: number | null;
  query: string;
  statusFilter: StatusFilter;
  sort: SortOrder;
  /** Only remotes whose agent announces this tag; null for all. */
  tagFilter: string | null;
  downFilter: DownFilter;
  /** Remotes picked for a push or a command; a Set so 10,000 checkboxes each look up in O(1). */
  selected: ReadonlySet<string>;
}

export interface FleetActions {
  loadSnapshot(snapshot: FleetSnapshot): void;
  applyPatches(patches: readonly FleetPatch[]): void;
  setQuery(query: string): void;
  setStatusFilter(filter: StatusFilter): void;
  /** A click on a column header: that column ascending, or the other way if it already sorts. */
  sortBy(key: SortKey): void;
  setTagFilter(tag: string | null): void;
  setDownFilter(service: DownFilter): void;
  toggleSelected(id: string): void;
  /** Adds (or removes) every given id at once: select-all of the visible rows is one update. */
  setSelected(ids: readonly string[], on: boolean): void;
  clearSelection(): void;
}

export type FleetSlice = FleetState & FleetActions;

export const initialFleet: FleetState = {
  remotes: new Map(),
  counts: { online: 0, offline: 0, unknown: 0 },
  fleetAt: null,
  query: '',
  statusFilter: 'all',
  sort: { key: 'id', dir: 'asc' },
  tagFilter: null,
  downFilter: null,
  selected: new Set(),
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
  setTagFilter: (tagFilter) => set({ tagFilter }),
  setDownFilter: (downFilter) => set({ downFilter }),
  toggleSelected: (id) =>
    set((s) => {
      const selected = new Set(s.selected);
      if (!selected.delete(id)) selected.add(id);
      return { selected };
    }),
  setSelected: (ids, on) =>
    set((s) => {
      const selected = new Set(s.selected);
      for (const id of ids) {
        if (on) selected.add(id);
        else selected.delete(id);
      }
      return { selected };
    }),
  clearSelection: () => set({ selected: new Set() }),
  sortBy: (key) =>
    set((s) => ({
      sort: { key, dir: s.sort.key === key && s.sort.dir === 'asc' ? 'desc' : 'asc' },
    })),
});
