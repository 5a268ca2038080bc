import type { Random } from './random';

/** How much of each fault a run injects, and over how long (docs/reliability.md, Chaos). */
export interface PlanOptions {
  /** The push phase; faults fall in [5 %, 80 %] of it, so the last pushes meet a calm fleet. */
  durationMs: number;
  /** Remote ids of each agent process: a process is what an agent kill ends. */
  groups: readonly (readonly string[])[];
  brokerKills: number;
  agentKills: number;
  consoleKills: number;
  offlineWindows: number;
}

export type FaultEvent =
  | { at: number; kind: 'kill-broker' }
  | { at: number; kind: 'restart-broker' }
  | { at: number; kind: 'kill-agents'; group: number }
  | { at: number; kind: 'restart-agents'; group: number }
  | { at: number; kind: 'kill-console' }
  | { at: number; kind: 'restart-console' };

/**
 * One remote's connection dropped (no goodbye, as a network cut) `afterMs` after its agent process
 * starts for the `life`-th time (0: the first start), back `forMs` later: the simulator's
 * `offline=AFTER/FOR` switch, given to that start of the process.
 */
export interface OfflineWindow {
  group: number;
  life: number;
  remote: string;
  afterMs: number;
  forMs: number;
}

export interface ChaosPlan {
  /** In time order; `at` is ms after the push phase began. */
  events: FaultEvent[];
  offline: OfflineWindow[];
}

const FAULT_FROM = 0.05;
const FAULT_TO = 0.8;

/** Down times (ms) a kill is followed by before the restart, as [min, max]. */
export const downMs = {
  broker: [1_000, 8_000],
  agents: [1_000, 15_000],
  console: [2_000, 10_000],
} as const;
const OFFLINE_FOR: readonly [number, number] = [5_000, 20_000];
/** An offline window keeps this far from its process's start and kill. */
const OFFLINE_MARGIN_MS = 3_000;

/**
 * Kills of one kind, one per equal slot of the fault window, each at a seeded point in the first 60 %
 * of its slot and restarted within it: a kill never meets the previous one of its kind still down.
 */
function slotted(
  rnd: Random,
  count: number,
  opts: PlanOptions,
  down: readonly [number, number],
): { at: number; back: number }[] {
  const from = opts.durationMs * FAULT_FROM;
  const width = (opts.durationMs * (FAULT_TO - FAULT_FROM)) / Math.max(1, count);
  return Array.from({ length: count }, (_, i) => {
    const start = from + i * width;
    const at = Math.round(start + rnd.next() * width * 0.6);
    const back = Math.min(at + rnd.int(down[0], down[1]), Math.round(start + width));
    return { at, back };
  });
}

/** The whole fault schedule of a run, from its seed alone. */
export function planChaos(rnd: Random, opts: PlanOptions): ChaosPlan {
  if (opts.groups.length === 0 || opts.groups.some((g) => g.length === 0)) {
    throw new Error('every agent process needs at least one remote');
  }
  const events: FaultEvent[] = [];
  for (const k of slotted(rnd, opts.brokerKills, opts, downMs.broker)) {
    events.push({ at: k.at, kind: 'kill-broker' }, { at: k.back, kind: 'restart-broker' });
  }
  for (const k of slotted(rnd, opts.consoleKills, opts, downMs.console)) {
    events.push({ at: k.at, kind: 'kill-console' }, { at: k.back, kind: 'restart-console' });
  }
  // Each group's lives: [start, end) between its restarts and kills.
  const lives: { start: number; end: number }[][] = opts.groups.map(() => [
    { start: 0, end: opts.durationMs },
  ]);
  for (const k of slotted(rnd, opts.agentKills, opts, downMs.agents)) {
    const group = rnd.int(0, opts.groups.length - 1);
    const current = lives[group]?.at(-1) as { start: number; end: number };
    current.end = k.at;
    lives[group]?.push({ start: k.back, end: opts.durationMs });
    events.push({ at: k.at, kind: 'kill-agents', group }, { at: k.back, kind: 'restart-agents', group });
  }

  const offline: OfflineWindow[] = [];
  const taken = new Set<string>();
  for (let tries = 0; offline.length < opts.offlineWindows; tries++) {
    if (tries > 10_000) {
      throw new Error(`cannot place ${opts.offlineWindows} offline windows in ${opts.durationMs} ms`);
    }
    const group = rnd.int(0, opts.groups.length - 1);
    const groupLives = lives[group] ?? [];
    const life = rnd.int(0, groupLives.length - 1);
    const span = groupLives[life] as { start: number; end: number };
    const remote = rnd.pick(opts.groups[group] ?? []);
    const forMs = rnd.int(OFFLINE_FOR[0], OFFLINE_FOR[1]);
    const room = span.end - span.start - forMs - 2 * OFFLINE_MARGIN_MS;
    const key = `${remote}/${life}`;
    // The simulator takes one offline window per remote per process start.
    if (room < 0 || taken.has(key)) continue;
    taken.add(key);
    offline.push({ group, life, remote, afterMs: OFFLINE_MARGIN_MS + rnd.int(0, room), forMs });
  }
  events.sort((a, b) => a.at - b.at);
  return { events, offline };
}

/** The simulator's --faults value for one start of one agent process. */
export function offlineFaults(plan: ChaosPlan, group: number, life: number): string {
  return plan.offline
    .filter((w) => w.group === group && w.life === life)
    .map((w) => `${w.remote}:offline=${w.afterMs}/${w.forMs}`)
    .join(',');
}
