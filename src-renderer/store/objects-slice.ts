import type { ObjectView, ObjectsView, SyncState } from '../../src-shared/ipc/inventory-views';
import type { SliceCreator } from './slice';

/** all: every object; attention: those with a drifted or missing remote; extra: served, not owned. */
export type ObjectsFilter = 'all' | 'attention' | 'extra';

/**
 * Zones & Scopes as the console last answered it. The load itself is a discriminated union so a screen
 * never shows an old view as if it were current, nor an error next to a fresh view.
 */
export type ObjectsLoad =
  { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded' } | { kind: 'failed'; error: string };

export interface ObjectsState {
  objectsView: ObjectsView | null;
  objectsLoad: ObjectsLoad;
  /** Remotes with a drifted or missing object: the navigation's badge (the event's count, or the view's). */
  driftedRemotes: number;
  /** The console's clock when it last said the objects changed; a reload answered before it is stale. */
  objectsChangedAt: number | null;
  objectsFilter: ObjectsFilter;
  objectsQuery: string;
}

export interface ObjectsActions {
  objectsLoading(): void;
  objectsLoaded(view: ObjectsView): void;
  objectsFailed(error: string): void;
  /** The `objectsChanged` event: the badge moves at once, the view follows with the reload it causes. */
  objectsChanged(event: { at: number; driftedRemotes: number }): void;
  setObjectsFilter(filter: ObjectsFilter): void;
  setObjectsQuery(query: string): void;
}

export type ObjectsSlice = ObjectsState & ObjectsActions;

export const initialObjects: ObjectsState = {
  objectsView: null,
  objectsLoad: { kind: 'idle' },
  driftedRemotes: 0,
  objectsChangedAt: null,
  objectsFilter: 'all',
  objectsQuery: '',
};

/** What a profile switch drops: the previous IPAM's objects must not show as the new one's. */
export const objectsReset: Pick<
  ObjectsState,
  'objectsView' | 'objectsLoad' | 'driftedRemotes' | 'objectsChangedAt'
> = {
  objectsView: null,
  objectsLoad: { kind: 'idle' },
  driftedRemotes: 0,
  objectsChangedAt: null,
};

/** The name an admin searches by and reads: a zone's name or a scope's subnet. */
export const objectName = (o: ObjectView['object']): string => (o.kind === 'zone' ? o.name : o.subnet);

export const needsAttention = (o: ObjectView): boolean =>
  (o.counts.drifted ?? 0) + (o.counts.missing ?? 0) > 0;

/** The objects the filter and search leave, in the console's order (owned first, then extra). */
export function visibleObjects(
  view: ObjectsView | null,
  filter: ObjectsFilter,
  query: string,
): readonly ObjectView[] {
  if (!view) return [];
  const q = query.trim().toLowerCase();
  return view.objects.filter((o) => {
    if (filter === 'attention' && !needsAttention(o)) return false;
    if (filter === 'extra' && !(o.intended === null || (o.counts.extra ?? 0) > 0)) return false;
    return q === '' || objectName(o.object).toLowerCase().includes(q);
  });
}

export const countOf = (o: ObjectView, state: SyncState): number => o.counts[state] ?? 0;

export const createObjectsSlice: SliceCreator<ObjectsSlice> = (set) => ({
  ...initialObjects,
  // The last view stays on screen while a reload runs; only the first load shows "loading".
  objectsLoading: () => set({ objectsLoad: { kind: 'loading' } }),
  objectsLoaded: (view) =>
    set((s) => ({
      objectsView: view,
      objectsLoad: { kind: 'loaded' },
      // An event newer than this view already counted for a later state of the fleet.
      driftedRemotes:
        s.objectsChangedAt !== null && s.objectsChangedAt > view.generatedAt
          ? s.driftedRemotes
          : view.driftedRemotes.length,
    })),
  objectsFailed: (error) => set({ objectsLoad: { kind: 'failed', error } }),
  objectsChanged: (e) =>
    set((s) =>
      s.objectsChangedAt !== null && s.objectsChangedAt > e.at
        ? {}
        : { objectsChangedAt: e.at, driftedRemotes: e.driftedRemotes },
    ),
  setObjectsFilter: (objectsFilter) => set({ objectsFilter }),
  setObjectsQuery: (objectsQuery) => set({ objectsQuery }),
});
