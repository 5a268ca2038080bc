import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FleetPatch } from '../../src-shared/ipc/views';
import { makeEnvelope } from '../../src-shared/protocol';
import { FleetModel, type FleetEnvelope } from './fleet-model';
import { FleetPatcher } from './fleet-patcher';
import { helloEnvelope, statsEnvelope } from './testing/fleet-envelopes';
import { helloBody } from './testing/hello';

const hello = helloEnvelope;
const presence = (from: string, state: 'online' | 'offline', ts: number, intervalMs = 1000): FleetEnvelope =>
  makeEnvelope('presence', from, { state, intervalMs, seq: ts }, { ts });
const stats = statsEnvelope;

type Step = [at: number, input: FleetEnvelope | 'sweep'];

function run(steps: Step[]) {
  const m = new FleetModel();
  for (const [at, input] of steps) {
    if (input === 'sweep') m.sweep(at);
    else m.apply(input, at);
  }
  return m;
}

describe('FleetModel status', () => {
  it.each<[string, Step[], 'online' | 'offline' | 'unknown']>([
    ['hello alone says nothing about now (it may have waited on the queue)', [[0, hello('r1')]], 'unknown'],
    [
      'presence online',
      [
        [0, hello('r1')],
        [10, presence('r1', 'online', 10)],
      ],
      'online',
    ],
    [
      'presence within 3 intervals',
      [
        [0, presence('r1', 'online', 1)],
        [3000, 'sweep'],
      ],
      'online',
    ],
    [
      'presence lapsed for 3 intervals',
      [
        [0, presence('r1', 'online', 1)],
        [3001, 'sweep'],
      ],
      'offline',
    ],
    [
      'lapse uses the interval the remote announced',
      [
        [0, presence('r1', 'online', 1, 5000)],
        [14_000, 'sweep'],
      ],
      'online',
    ],
    [
      'goodbye turns offline at once',
      [
        [0, presence('r1', 'online', 1)],
        [10, presence('r1', 'offline', 2)],
      ],
      'offline',
    ],
    [
      'a late online does not undo a goodbye',
      [
        [0, presence('r1', 'offline', 5)],
        [10, presence('r1', 'online', 4)],
      ],
      'offline',
    ],
    [
      'back online after a lapse',
      [
        [0, presence('r1', 'online', 1)],
        [5000, 'sweep'],
        [5100, presence('r1', 'online', 5100)],
      ],
      'online',
    ],
    ['stats alone do not decide status', [[0, stats('r1', 1, 1)]], 'unknown'],
  ])('%s', (_name, steps, status) => {
    expect(run(steps).get('r1')?.status).toBe(status);
  });
});

describe('FleetModel views', () => {
  it('flattens hello and stats into a row, with staleness from the stats interval', () => {
    const m = run([
      [0, hello('r1')],
      [100, stats('r1', 7, 100, 42)],
    ]);
    expect(m.get('r1')).toMatchObject({
      hostname: 'dns-r1.lab.example',
      os: 'Debian GNU/Linux 12',
      mode: 'simulated',
      statsAt: 100,
      lastSeen: 100,
      staleAfterMs: 15_000,
      cpuPct: 42,
      memPct: 25,
      diskPct: 75,
      uptimeS: 107,
    });
    expect(m.statsSeq('r1')).toBe(7);
  });

  it('offers each remote to push selection with the tags and capabilities of its hello', () => {
    const m = run([
      [0, hello('r1')],
      [10, presence('r1', 'online', 10)],
      [20, presence('r2', 'online', 20)],
    ]);
    expect(m.selectable()).toEqual([
      {
        id: 'r1',
        tags: ['site:lab'],
        capabilities: ['dns'],
        status: 'online',
        hostname: 'dns-r1.lab.example',
      },
      { id: 'r2', tags: [], capabilities: [], status: 'online', hostname: '' },
    ]);
  });

  it('knows a remembered remote at once, as unknown with its old last-seen time, until it speaks', () => {
    const m = new FleetModel();
    expect(m.remember('r1', helloBody('r1', { tags: ['site:ams'] }), 500)).toBe(true);
    expect(m.get('r1')).toMatchObject({
      status: 'unknown',
      lastSeen: 500,
      statsAt: null,
      hostname: 'dns-r1.lab.example',
    });
    expect(m.selectable()).toEqual([
      {
        id: 'r1',
        tags: ['site:ams'],
        capabilities: ['dns'],
        status: 'unknown',
        hostname: 'dns-r1.lab.example',
      },
    ]);
    expect(m.takeChanges().map((v) => v.id)).toEqual(['r1']);
    m.apply(hello('r1'), 1000);
    m.apply(presence('r1', 'online', 1000), 1000);
    expect(m.selectable()[0]).toMatchObject({ tags: ['site:lab'], status: 'online' });
    expect(m.get('r1')?.lastSeen).toBe(1000);
    // What this session heard wins over what was remembered.
    expect(m.remember('r1', helloBody('r1', { tags: ['old'] }), 2000)).toBe(false);
    expect(m.selectable()[0]?.tags).toEqual(['site:lab']);
  });

  it('keeps the newest stats when an older sample arrives late', () => {
    const m = run([
      [0, stats('r1', 2, 200, 20)],
      [10, stats('r1', 1, 100, 10)],
    ]);
    expect(m.get('r1')?.cpuPct).toBe(20);
    expect(m.statsSeq('r1')).toBe(2);
  });

  it('reports each changed remote once per drain', () => {
    const m = run([
      [0, stats('r1', 1, 1)],
      [1, stats('r1', 2, 2)],
      [2, stats('r2', 1, 1)],
    ]);
    expect(m.takeChanges().map((v) => v.id)).toEqual(['r1', 'r2']);
    expect(m.takeChanges()).toEqual([]);
    m.apply(presence('r2', 'online', 5), 3);
    m.sweep(10_000);
    expect(m.takeChanges().map((v) => [v.id, v.status])).toEqual([['r2', 'offline']]);
  });
});

describe('FleetPatcher', () => {
  afterEach(() => void vi.useRealTimers());

  it('emits at most one patch per interval, with every change of the batch', () => {
    vi.useFakeTimers();
    const m = new FleetModel();
    const patches: FleetPatch[] = [];
    const p = new FleetPatcher(
      m,
      (x) => void patches.push(x),
      () => Date.now(),
      250,
    );
    for (let i = 0; i < 100; i++) {
      m.apply(stats(`r${i % 10}`, i, i + 1), Date.now());
      p.poke();
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(250);
    // 100 samples over 500 ms: a patch at once, then one per 250 ms.
    expect(patches.length).toBeLessThanOrEqual(3);
    expect(patches.every((x) => x.upserts.length <= 10)).toBe(true);
    const at = patches.map((x) => x.at);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(250);
    expect(m.takeChanges()).toEqual([]);
  });
});
