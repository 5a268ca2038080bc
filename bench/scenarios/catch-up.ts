/**
 * Scenario 3: a remote that missed a run of pushes comes back; from its session's opening (its hello) to
 * the last of them applied and stored, against a bare remote answering as many messages waiting on its
 * queue. The remote's process is stopped while the console pushes, and started again.
 */
import { join } from 'node:path';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startPushConsole } from '../../tests/helpers/push-console';
import { alternating, within, type BenchContext } from '../context';
import { planGroups, startBareConsole, startBareRemotes, startSimulate, stopAll } from '../fleet';
import type { LatencyRow } from '../results';
import { latencyRow } from '../rows';
import { configMessageBytes, knowsAll, zonePushTo } from '../smt-console';
import { distribution } from '../stats';

export interface CatchUpOptions {
  pushes: number;
  rounds: number;
}

/** Remotes of this scenario start here (r-5001 on): none of another scenario's queues or ledgers. */
const FIRST_INDEX = 5001;

export async function catchUp(ctx: BenchContext, opts: CatchUpOptions): Promise<LatencyRow> {
  const [group] = planGroups([1], FIRST_INDEX);
  if (!group) throw new Error('no remote planned');
  const rid = group.ids[0] as string;
  const stateDir = join(ctx.workDir, 'catch-up-state');
  const pc = await startPushConsole(ctx.lab.opts, join(ctx.workDir, 'catch-up.db'));
  const bare = await startBareConsole(ctx);
  const bytes = await configMessageBytes(ctx.lab);
  const timeoutMs = 60_000 + opts.pushes * 500;
  const smt: number[] = [];
  const base: number[] = [];
  let version = 0;
  try {
    // Once, so the console knows the remote (its hello) and can address it while it is away.
    await stopAll([await startSimulate(ctx, group, { stateDir })]);
    await knowsAll(pc, [rid]);

    const runSmt = async () => {
      const pushIds = new Set<string>();
      for (let i = 0; i < opts.pushes; i++) pushIds.add(pc.engine.push(zonePushTo([rid], ++version)).push.id);
      // Every push is in the remote's queue (receipted) before it comes back.
      await pc.engine.idle();
      let helloAt = 0;
      // A result answered from the ledger (a redelivery) says 'applied' again: count pushes, not results.
      const applied = new Set<string>();
      let done: () => void = () => undefined;
      const all = new Promise<void>((resolve) => (done = resolve));
      const offHello = pc.core.onFleetMessage((env) => {
        if (env.type === 'hello' && env.from === rid) helloAt = env.ts;
      });
      const offResults = pc.core.onResults((results) => {
        for (const r of results)
          if (r.body.state === 'applied' && pushIds.has(r.body.pushId ?? ''))
            applied.add(r.body.pushId ?? '');
        if (applied.size === opts.pushes) done();
      });
      const p = await startSimulate(ctx, group, { stateDir });
      try {
        await within(
          () => `${opts.pushes} waiting pushes applied by ${rid} (${applied.size} so far)`,
          timeoutMs,
          all,
        );
        const end = Date.now();
        // The hello travels on another queue and may be taken after the last result.
        await waitFor(`the hello of ${rid}`, () => helloAt > 0, timeoutMs);
        smt.push(end - helloAt);
      } finally {
        offHello();
        offResults();
        await stopAll([p]);
      }
    };
    const runBare = async () => {
      const round = bare.fanOut([rid], bytes, opts.pushes);
      await within('the bare messages stored', timeoutMs, round.stored);
      let helloAt = 0;
      const offHello = bare.onHello((from, ts) => {
        if (from === rid) helloAt = ts;
      });
      const p = await startBareRemotes(ctx, group);
      try {
        await within(`${opts.pushes} bare answers from ${rid}`, timeoutMs, round.replied);
        const end = Date.now();
        await waitFor(`the bare hello of ${rid}`, () => helloAt > 0, timeoutMs);
        base.push(end - helloAt);
      } finally {
        offHello();
        await stopAll([p]);
      }
    };
    for (let r = 0; r < opts.rounds; r++) await alternating(r, runSmt, runBare);
    ctx.say(
      `catch-up: p99 ${Math.round(distribution(smt).p99)} ms vs bare ${Math.round(distribution(base).p99)} ms`,
    );
    return latencyRow(`catch-up of ${opts.pushes} pushes`, 1, distribution(smt), distribution(base), {
      p99: 2000,
      ratio: null,
    });
  } finally {
    bare.stop();
    await pc.stop();
  }
}
