import { describe, expect, it } from 'vitest';
import type { SelectableRemote, TargetSelector } from '../../src-shared/config/selector';
import { SelectionWait, needsLiveStatus } from './selection-wait';

const remote = (id: string, status: SelectableRemote['status'], tags: string[] = []): SelectableRemote => ({
  id,
  status,
  tags,
  capabilities: ['dns'],
  hostname: `${id}.lab`,
});
const remembered = [remote('r-1', 'unknown', ['site:ams']), remote('r-2', 'unknown', ['site:fra'])];
const wait = (selector: TargetSelector, opts: { remembered?: string[] } = {}) =>
  new SelectionWait(selector, {
    live: needsLiveStatus(selector),
    remembered: new Set(opts.remembered ?? remembered.map((r) => r.id)),
    settleMs: 1000,
  });

describe('SelectionWait', () => {
  it('takes ids from memory at once, and waits for an id the console never heard of', () => {
    expect(wait({ kind: 'ids', ids: ['r-2', 'r-1', 'r-2'] }).ready(remembered, 0)).toBe(true);
    const w = wait({ kind: 'ids', ids: ['r-1', 'r-3'] });
    expect(w.ready(remembered, 0)).toBe(false);
    expect(w.ready([...remembered, remote('r-3', 'online')], 50)).toBe(true);
  });

  it('takes a tag or capability selection from memory at once when it picks some remote', () => {
    expect(wait({ kind: 'tags', any: ['site:ams'] }).ready(remembered, 0)).toBe(true);
    expect(wait({ kind: 'filter', status: 'any', capabilities: ['dns'] }).ready(remembered, 0)).toBe(true);
  });

  it('waits for the selection to settle when memory picks nothing, or there is no memory', () => {
    const w = wait({ kind: 'tags', any: ['site:new'] });
    expect(w.ready(remembered, 0)).toBe(false);
    const heard = [...remembered, remote('r-3', 'online', ['site:new'])];
    expect(w.ready(heard, 100)).toBe(false);
    expect(w.ready(heard, 1099)).toBe(false);
    expect(w.ready(heard, 1100)).toBe(true);
    const fresh = wait({ kind: 'tags', any: ['site:ams'] }, { remembered: [] });
    expect(fresh.ready(remembered, 0)).toBe(false);
    expect(fresh.ready(remembered, 1000)).toBe(true);
  });

  it('waits for live status under an online filter: each remote coming online restarts the settle time', () => {
    const w = wait({ kind: 'filter', status: 'online' });
    expect(needsLiveStatus({ kind: 'filter', status: 'online' })).toBe(true);
    expect(w.ready(remembered, 0)).toBe(false);
    const one = [remote('r-1', 'online', ['site:ams']), remembered[1] as SelectableRemote];
    expect(w.ready(one, 500)).toBe(false);
    const both = [one[0] as SelectableRemote, remote('r-2', 'online')];
    expect(w.ready(both, 1400)).toBe(false);
    expect(w.ready(both, 2400)).toBe(true);
  });

  it('for a live listing of everything, settles on who is online rather than on who is known', () => {
    const w = new SelectionWait(
      { kind: 'filter', status: 'any' },
      { live: true, remembered: new Set(['r-1', 'r-2']), settleMs: 1000 },
    );
    expect(w.ready(remembered, 0)).toBe(false);
    const one = [remote('r-1', 'online'), remembered[1] as SelectableRemote];
    expect(w.ready(one, 900)).toBe(false);
    expect(w.ready(one, 1800)).toBe(false);
    expect(w.ready(one, 1900)).toBe(true);
  });
});
