import { describe, expect, it } from 'vitest';
import { remote } from '../testing/remote';
import { createSmtStore } from './index';
import { initialFleet, withPatches, withSnapshot, type FleetState } from './fleet-slice';

const state = (partial: Partial<FleetState>): FleetState => ({ ...initialFleet, ...partial });

describe('fleet reducers', () => {
  it('a snapshot replaces the fleet and counts statuses', () => {
    const s = state({ remotes: new Map([['old', remote('old', 1)]]) });
    const next = withSnapshot(s, {
      at: 100,
      remotes: [
        remote('a', 90),
        remote('b', 90, { status: 'offline' }),
        remote('c', 90, { status: 'unknown' }),
      ],
    });
    expect([...(next.remotes?.keys() ?? [])]).toEqual(['a', 'b', 'c']);
    expect(next.counts).toEqual({ online: 1, offline: 1, unknown: 1 });
    expect(next.fleetAt).toBe(100);
  });

  it('applies a batch of patches in order: upserts, last write wins', () => {
    const s = state({
      ...withSnapshot(initialFleet, { at: 100, remotes: [remote('a', 90)] }),
    });
    const next = withPatches(s, [
      { at: 110, upserts: [remote('a', 110, { cpuPct: 50 }), remote('c', 110)] },
      { at: 120, upserts: [remote('a', 120, { cpuPct: 70, status: 'offline' })] },
    ]);
    expect(next.remotes?.get('a')?.cpuPct).toBe(70);
    expect([...(next.remotes?.keys() ?? [])].sort()).toEqual(['a', 'c']);
    expect(next.counts).toEqual({ online: 1, offline: 1, unknown: 0 });
    expect(next.fleetAt).toBe(120);
    // The previous state is untouched: React compares by identity.
    expect(s.remotes.get('a')?.cpuPct).toBe(10);
    expect(next.remotes).not.toBe(s.remotes);
  });

  it('skips patches older than the snapshot, so no row goes back in time', () => {
    const s = state({
      ...withSnapshot(initialFleet, { at: 100, remotes: [remote('a', 100, { cpuPct: 40 })] }),
    });
    expect(withPatches(s, [{ at: 99, upserts: [remote('a', 99, { cpuPct: 5 })] }])).toEqual({});
    const mixed = withPatches(s, [
      { at: 99, upserts: [remote('a', 99, { cpuPct: 5 })] },
      { at: 101, upserts: [remote('b', 101)] },
    ]);
    expect(mixed.remotes?.get('a')?.cpuPct).toBe(40);
    expect(mixed.remotes?.has('b')).toBe(true);
  });

  it('ignores patches before any snapshot', () => {
    expect(withPatches(initialFleet, [{ at: 1, upserts: [remote('a', 1)] }])).toEqual({});
  });

  it('sortBy toggles the direction on the same column and starts ascending on another', () => {
    const store = createSmtStore();
    expect(store.getState().sort).toEqual({ key: 'id', dir: 'asc' });
    store.getState().sortBy('id');
    expect(store.getState().sort).toEqual({ key: 'id', dir: 'desc' });
    store.getState().sortBy('cpu');
    expect(store.getState().sort).toEqual({ key: 'cpu', dir: 'asc' });
  });

  it('the combined store applies a snapshot then patches through its actions', () => {
    const store = createSmtStore();
    store.getState().loadSnapshot({ at: 10, remotes: [remote('a', 10)] });
    store.getState().applyPatches([{ at: 11, upserts: [remote('a', 11, { status: 'offline' })] }]);
    expect(store.getState().counts).toEqual({ online: 0, offline: 1, unknown: 0 });
  });
});

describe('fleet selection', () => {
  it('toggles one remote and selects or clears many in one update', () => {
    const store = createSmtStore();
    const seen: ReadonlySet<string>[] = [];
    store.subscribe(
      (s) => s.selected,
      (sel) => void seen.push(sel),
    );
    store.getState().toggleSelected('r-1');
    store.getState().setSelected(['r-1', 'r-2', 'r-3'], true);
    expect([...store.getState().selected].sort()).toEqual(['r-1', 'r-2', 'r-3']);
    store.getState().toggleSelected('r-2');
    store.getState().setSelected(['r-3'], false);
    expect([...store.getState().selected]).toEqual(['r-1']);
    expect(seen).toHaveLength(4);
    store.getState().clearSelection();
    expect(store.getState().selected.size).toBe(0);
  });
});
