/**
 * `npm run bench -- [--quick] [--json FILE] [--only NAMES]`: the benchmarks of docs/performance.md on a
 * private lab, each latency scenario beside the bare broker doing the same work in the same run. Prints one
 * table and writes bench/results/latest.json (or FILE). Progress goes to stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { checkArgs, exitForUsage, prettyIssues, readArgs } from '../src-node/command-line';
import { DEMO_MAX_REMOTES } from '../lab/sizing';
import { startLab } from '../tests/helpers/lab-fixture';
import type { BenchContext } from './context';
import { stopOwned } from './fleet';
import { machineFacts } from './machine';
import { writeResults, type Failure, type Figure, type LatencyRow } from './results';
import { catchUp } from './scenarios/catch-up';
import { failover } from './scenarios/failover';
import { footprint } from './scenarios/footprint';
import { pushFanout } from './scenarios/push-fanout';
import { rendererScenario } from './scenarios/renderer';
import { soak } from './scenarios/soak';
import { statsIngest } from './scenarios/stats-ingest';
import { resultsTable } from './table';
import { errorText } from '../src-shared/util/error-text';

/** In the order they run: the idle footprint first, on a quiet lab. */
const scenarioNames = ['footprint', 'push', 'catch-up', 'failover', 'ingest', 'renderer', 'soak'] as const;
type ScenarioName = (typeof scenarioNames)[number];

const Args = z.object({
  quick: z.boolean(),
  json: z.string().min(1),
  only: z.array(z.enum(scenarioNames)).min(1),
  cpuProf: z.string().min(1).optional(),
});

const usage = `usage: npm run bench -- [--quick] [--json FILE] [--only ${scenarioNames.join(',')}] [--cpu-prof DIR]`;
const defaultJson = join(import.meta.dirname, 'results', 'latest.json');
const started = performance.now();
const say = (line: string) =>
  process.stderr.write(`[bench ${Math.round((performance.now() - started) / 1000)} s] ${line}\n`);

function parseCli(): z.infer<typeof Args> {
  try {
    const { values } = readArgs(process.argv.slice(2), {
      quick: { type: 'boolean' },
      json: { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'string' },
    });
    return checkArgs(
      Args,
      {
        quick: values.quick ?? false,
        json: values.json ?? defaultJson,
        only: values.only?.split(',') ?? [...scenarioNames],
        cpuProf: values['cpu-prof'],
      },
      prettyIssues,
    );
  } catch (e) {
    exitForUsage('bench', usage, e);
  }
}

interface Collected {
  rows: LatencyRow[];
  figures: Figure[];
  failures: Failure[];
}

type Scenario = (ctx: BenchContext, out: Collected) => Promise<void>;

const scenarios: Record<ScenarioName, Scenario> = {
  footprint: async (ctx, out) => {
    const sizes = ctx.quick ? { small: 20, large: 100 } : { small: 50, large: 500 };
    out.figures.push(...(await footprint(ctx, { windowS: ctx.quick ? 15 : 60, ...sizes })));
  },
  push: async (ctx, out) => {
    const steps = ctx.quick ? [[100]] : [[100], [200, 200], [250, 250]];
    // Rows go in as each size finishes: a size that fails keeps the smaller ones.
    await pushFanout(ctx, { steps, rounds: ctx.quick ? 20 : 100, warmup: 3 }, out.rows);
  },
  'catch-up': async (ctx, out) => {
    out.rows.push(await catchUp(ctx, { pushes: 100, rounds: ctx.quick ? 2 : 20 }));
  },
  failover: async (ctx, out) => {
    const r = await failover(ctx, { groups: ctx.quick ? [100] : [250, 250], runs: ctx.quick ? 1 : 10 });
    out.rows.push(...r.rows);
    out.figures.push(...r.figures);
  },
  ingest: async (ctx, out) => {
    const groups = ctx.quick ? [100] : [250, 250, 250, 250];
    out.figures.push(...(await statsIngest(ctx, { groups, windowS: ctx.quick ? 20 : 120 })));
  },
  soak: async (ctx, out) => {
    // The full run holds the demo at 1,000 remotes and at the largest fleet it accepts for ten minutes each.
    const opts = ctx.quick
      ? { sizes: [100], windowS: 20 }
      : { sizes: [1000, DEMO_MAX_REMOTES], windowS: 600 };
    out.figures.push(...(await soak(ctx, opts)));
  },
  renderer: async (ctx, out) => {
    const sizes = ctx.quick ? { keystrokes: 40, patches: 20 } : { keystrokes: 200, patches: 120 };
    out.rows.push(
      ...(await rendererScenario(ctx, { remotes: 10_000, patchSize: 500, patchIntervalMs: 250, ...sizes })),
    );
  },
};

async function main(): Promise<void> {
  const args = parseCli();
  const machine = machineFacts();
  const workDir = await mkdtemp(join(tmpdir(), 'smt-bench-'));
  // Undone last first: the processes scenarios started, then the lab, then the temp dir.
  const undo: (() => Promise<void>)[] = [() => rm(workDir, { recursive: true, force: true })];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopOwned();
      for (const step of undo.reverse()) await step();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping what the bench started`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // A bug that escapes a scenario (an unhandled rejection is raised as one too) still stops the brokers
  // and fleets by PID instead of leaving them running. Every exception is handled, not only the first:
  // a timer of the failed scenario that throws again would otherwise end the process in mid-cleanup and
  // leave the brokers running.
  let repeats = 0;
  process.on('uncaughtException', (e) => {
    if (!cleaning) say(`crashed: ${e.stack ?? String(e)}; stopping what the bench started`);
    else if (repeats++ === 0) say(`while cleaning up: ${String(e)} (further ones not shown)`);
    void cleanup().finally(() => process.exit(70));
  });
  say(`starting a private lab in ${workDir}`);
  const lab = await startLab({ heapMb: 1024 });
  undo.push(() => lab.stop());
  const out: Collected = { rows: [], figures: [], failures: [] };
  try {
    // Each process the scenarios start writes its own profile there when it exits.
    const nodeArgs = args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.cpuProf)}`] : [];
    const ctx: BenchContext = { quick: args.quick, lab, workDir, say, nodeArgs };
    for (const name of scenarioNames) {
      if (!args.only.includes(name)) continue;
      say(`${name}…`);
      try {
        await scenarios[name](ctx, out);
      } catch (e) {
        // The next scenarios still run; the run exits non-zero with what failed in the table.
        const error = errorText(e);
        say(`${name} failed: ${error}`);
        out.failures.push({ scenario: name, error });
      }
    }
  } finally {
    await cleanup();
  }
  const results = { machine: machine.end(), mode: args.quick ? 'quick' : 'full', ...out } as const;
  await writeResults(args.json, results);
  process.stdout.write(`${resultsTable(results)}\n`);
  say(`wrote ${args.json}`);
  if (out.failures.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
