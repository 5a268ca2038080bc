/**
 * Scenario 1: push a zone to N remotes, from the engine's push call to the last `applied` result stored,
 * against the bare broker's fan-out and reply to the same N remotes. The fleet grows step by step (each
 * step adds simulate and bare processes), and at each size SMT and bare rounds alternate, so load from
 * elsewhere on a shared machine falls on both alike.
 */
import { join } from 'node:path';
import type { NodeProcess } from '../../e2e/support/processes';
import { startPushConsole } from '../../tests/helpers/push-console';
import { alternating, within, type BenchContext } from '../context';
import { planGroups, startBareConsole, startBareRemotes, startSimulate, stopAll } from '../fleet';
import type { LatencyRow } from '../results';
import { configMessageBytes, knowsAll, timedPush } from '../smt-console';
import { distribution } from '../stats';
import { latencyRow } from '../rows';

export interface PushFanoutOptions {
  /** Group sizes added at each step; the fleet after step k is the sum of steps 0…k. */
  steps: number[][];
  rounds: number;
  /** Rounds of each kind run first and not counted (connections warm, queues created). */
  warmup: number;
}

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
  const pc = await startPushConsole(ctx.lab.opts, join(ctx.workDir, 'push.db'));
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
          if (r >= opts.warmup) smt.push(t.ms);
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
    bare.stop();
    await pc.stop();
    await stopAll(procs);
  }
}
