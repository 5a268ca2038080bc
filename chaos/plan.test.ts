import { describe, expect, it } from 'vitest';
import { offlineFaults, planChaos, type PlanOptions } from './plan';
import { seededRandom } from './random';

const groups = Array.from({ length: 10 }, (_, g) =>
  Array.from({ length: 20 }, (_, i) => `r-${String(g * 20 + i + 1).padStart(4, '0')}`),
);
const full: PlanOptions = {
  durationMs: 300_000,
  groups,
  brokerKills: 6,
  agentKills: 12,
  consoleKills: 2,
  offlineWindows: 12,
};

describe('planChaos', () => {
  it('replays from its seed and differs between seeds', () => {
    expect(planChaos(seededRandom(7), full)).toEqual(planChaos(seededRandom(7), full));
    expect(planChaos(seededRandom(7), full)).not.toEqual(planChaos(seededRandom(8), full));
  });

  it.each([1, 2, 3, 42, 4_000_000_000])(
    'seed %i: the counts asked for, each kill restarted before the next of its kind',
    (seed) => {
      const plan = planChaos(seededRandom(seed), full);
      const count = (kind: string) => plan.events.filter((e) => e.kind === kind).length;
      expect([count('kill-broker'), count('restart-broker')]).toEqual([6, 6]);
      expect([count('kill-agents'), count('restart-agents')]).toEqual([12, 12]);
      expect([count('kill-console'), count('restart-console')]).toEqual([2, 2]);
      expect(plan.offline).toHaveLength(12);
      expect(plan.events.map((e) => e.at)).toEqual(plan.events.map((e) => e.at).sort((a, b) => a - b));
      for (const e of plan.events) {
        expect(e.at).toBeGreaterThanOrEqual(full.durationMs * 0.05);
        expect(e.at).toBeLessThanOrEqual(full.durationMs * 0.8);
      }
      // Per kind (and per agent process), kills and restarts alternate: nothing is killed while down.
      const lanes = new Map<string, string[]>();
      for (const e of plan.events) {
        const lane = e.kind.replace(/^(kill|restart)-/, '') + ('group' in e ? e.group : '');
        lanes.set(lane, [...(lanes.get(lane) ?? []), e.kind.split('-')[0] as string]);
      }
      for (const seq of lanes.values()) {
        expect(seq.join(' ')).toMatch(/^(kill restart ?)+$/);
      }
    },
  );

  it('places each offline window inside one life of its process, one per remote and life', () => {
    const plan = planChaos(seededRandom(99), full);
    const seen = new Set<string>();
    for (const w of plan.offline) {
      expect(groups[w.group]).toContain(w.remote);
      expect(seen.has(`${w.remote}/${w.life}`)).toBe(false);
      seen.add(`${w.remote}/${w.life}`);
      const kills = plan.events.filter((e) => e.kind === 'kill-agents' && e.group === w.group);
      const restarts = plan.events.filter((e) => e.kind === 'restart-agents' && e.group === w.group);
      const start = w.life === 0 ? 0 : (restarts[w.life - 1]?.at as number);
      const end = kills[w.life]?.at ?? full.durationMs;
      expect(start + w.afterMs + w.forMs).toBeLessThanOrEqual(end);
      expect(w.forMs).toBeGreaterThanOrEqual(5_000);
    }
  });

  it('gives each start of a process the windows of that life as simulator faults', () => {
    const plan = {
      events: [],
      offline: [
        { group: 1, life: 0, remote: 'r-0021', afterMs: 4000, forMs: 9000 },
        { group: 1, life: 1, remote: 'r-0022', afterMs: 3000, forMs: 5000 },
        { group: 1, life: 1, remote: 'r-0023', afterMs: 7000, forMs: 6000 },
      ],
    };
    expect(offlineFaults(plan, 1, 1)).toBe('r-0022:offline=3000/5000,r-0023:offline=7000/6000');
    expect(offlineFaults(plan, 1, 2)).toBe('');
  });

  it('says so when the windows cannot fit', () => {
    expect(() => planChaos(seededRandom(1), { ...full, durationMs: 5_000, offlineWindows: 1 })).toThrow(
      /cannot place 1 offline windows/,
    );
  });
});
