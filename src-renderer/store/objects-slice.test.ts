import { describe, expect, it } from 'vitest';
import { objectsView, remoteRow, zoneView } from '../testing/objects';
import { createSmtStore } from './index';
import { visibleObjects } from './objects-slice';

const view = objectsView(
  [
    zoneView('a.test', [remoteRow('r-1', 'in-sync', 1)]),
    zoneView('b.test', [remoteRow('r-1', 'missing', 1), remoteRow('r-2', 'extra', 1)]),
    zoneView('c.test', [remoteRow('r-3', 'extra', 1)], false),
  ],
  100,
);
const keys = (f: Parameters<typeof visibleObjects>[1], q = '') =>
  visibleObjects(view, f, q).map((o) => o.key);

describe('objects slice', () => {
  it('filters by what needs attention or what is extra, and searches by name, keeping the console’s order', () => {
    expect(keys('all')).toEqual(['zone:a.test', 'zone:b.test', 'zone:c.test']);
    expect(keys('attention')).toEqual(['zone:b.test']);
    expect(keys('extra')).toEqual(['zone:b.test', 'zone:c.test']);
    expect(keys('all', ' C.T ')).toEqual(['zone:c.test']);
    expect(visibleObjects(null, 'all', '')).toEqual([]);
  });

  it('takes the badge from the newest of the event and the view, whatever order they come in', () => {
    const store = createSmtStore();
    const s = () => store.getState();
    s().objectsChanged({ at: 200, driftedRemotes: 7 });
    s().objectsChanged({ at: 150, driftedRemotes: 9 });
    expect(s().driftedRemotes).toBe(7);
    // A view generated before the event is older news: the event's count stays.
    s().objectsLoaded(view);
    expect(s().driftedRemotes).toBe(7);
    expect(s().objectsLoad).toEqual({ kind: 'loaded' });
    s().objectsLoaded({ ...view, generatedAt: 300 });
    expect(s().driftedRemotes).toBe(1);
    s().objectsFailed('no inventory');
    // A failed reload keeps the last view, marked failed.
    expect(s().objectsView?.generatedAt).toBe(300);
    expect(s().objectsLoad).toEqual({ kind: 'failed', error: 'no inventory' });
  });
});
