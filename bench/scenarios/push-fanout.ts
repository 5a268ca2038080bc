/**
 * Scenario 1: push a zone to N remotes, from the engine's push call to the last `applied` result stored,
 * against the bare broker's fan-out and reply to the same N remotes. The fleet grows step by step (each
 * step adds simulate and bare processes), and at each size SMT and bare rounds alternate, so load from
 * elsewhere on a shared machine falls on both alike.
 */
import { join } from 'node:path';
import type { NodeProcess } from '../../e2e/support/processes';
import { lineLog } from '../../src-node/log';
import { startPushConsole } from '../../tests/helpers/push-console';
import { alternating, within, type BenchContext } from '../context';
import { planGroups, startBareConsole, startBareRemotes, startSimulate, stopAll } from '../fleet';
import type { LatencyRow } from '../results';
import { configMessageBytes, deliveryTimeline, knowsAll, timedPush } from '../smt-console';
import { distribution } from '../stats';
import { latencyRow } from '../rows';

export interface PushFanoutOptions {
  /** Group sizes added at each step; the fleet after step k is the sum of steps 0…k. */
  steps: number[][];
  rounds: number;
  /** Rounds of each kind run first and not counted (connections warm, queues created). */
  warmup: number;
}

/**
 * A round this many times the usual is reported with how its last remote's delivery went, so an outlier
 * says where it waited (the send's receipt, the agent, a lost session) instead of being only a max.
 */
const SLOW_ROUND = 3;

export const pushTargets = { 500: { p99: 1000, ratio: 1.25 }, 1000: { p99: 2000, ratio: null } } as const;

/** Appends a row to `rows` as each fleet size is done, and returns them. */
export async function pushFanout(
  ctx: BenchContext,
  opts: PushFanoutOptions,
  rows: LatencyRow[] = [],
): Promise<LatencyRow[]> {
  const sizes = opts.steps.flat();
  const groups = planGroups(sizes);
  const procs: NodeProcess[] = [];
  const stateDir = join(ctx.workDir, 'push-state');
  // The console's warnings (a lost session, an overdue receipt) go to the progress lines while it is in
  // use: they explain a slow round. Its own stop's "lost its broker session" would only mislead.
  let inUse = true;
  const pc = await startPushConsole(ctx.lab.opts, join(ctx.workDir, 'push.db'), {
    log: lineLog((line) => inUse && ctx.say(`push: console: ${line}`), 'warn'),
  });
  const bare = await startBareConsole(ctx);
  const bytes = await configMessageBytes(ctx.lab);
  let version = 0;
  try {
    let started = 0;
    for (const step of opts.steps) {
      const stepGroups = groups.slice(started, started + step.length);
      started += step.length;
      for (const g of stepGroups) {
        procs.push(await startSimulate(ctx, g, { stateDir }));
        procs.push(await startBareRemotes(ctx, g));
      }
      const ids = groups.slice(0, started).flatMap((g) => g.ids);
      ctx.say(`push: ${ids.length} remotes up (SMT and bare), waiting for their hellos`);
      await knowsAll(pc, ids);
      const smt: number[] = [];
      const base: number[] = [];
      const timeoutMs = 60_000 + ids.length * 60;
      for (let r = 0; r < opts.warmup + opts.rounds; r++) {
        const runSmt = async () => {
          const t = await timedPush(pc, ids, ++version, timeoutMs);
          await pc.engine.idle();
          if (r < opts.warmup) return;
          const usual = smt.length >= 10 ? distribution(smt).p50 : undefined;
          if (usual !== undefined && t.ms > SLOW_ROUND * usual) {
            ctx.say(
              `push: a slow round at ${ids.length} remotes, ${Math.round(t.ms)} ms (p50 so far ${Math.round(usual)} ms); ` +
                `the last applied was ${t.last}: ${deliveryTimeline(pc, t.pushId, t.last)}`,
            );
          }
          smt.push(t.ms);
        };
        const runBare = async () => {
          const t0 = performance.now();
          await within(
            `the bare replies of ${ids.length} remotes`,
            timeoutMs,
            bare.fanOut(ids, bytes).replied,
          );
          if (r >= opts.warmup) base.push(performance.now() - t0);
        };
        await alternating(r, runSmt, runBare);
      }
      const target = pushTargets[ids.length as keyof typeof pushTargets];
      rows.push(
        latencyRow('push applied everywhere', ids.length, distribution(smt), distribution(base), {
          p99: target?.p99 ?? null,
          ratio: target?.ratio ?? null,
        }),
      );
      ctx.say(
        `push: ${ids.length} remotes, p99 ${Math.round(distribution(smt).p99)} ms vs bare ${Math.round(distribution(base).p99)} ms`,
      );
    }
    return rows;
  } finally {
    inUse = false;
    bare.stop();
    await pc.stop();
    await stopAll(procs);
  }
}
