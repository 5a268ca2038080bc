/**
 * What `npm run bench` writes (bench/results/latest.json by default): one schema, used by the writer and by
 * the smoke check in `npm test`, so a file that is written always parses and a malformed one never is.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const Ms = z.number().nonnegative();

/** A latency figure: a distribution over runs, beside the bare broker's doing the same in the same run. */
export const LatencyRow = z.strictObject({
  scenario: z.string().min(1),
  remotes: z.number().int().nonnegative(),
  runs: z.number().int().positive(),
  p50_ms: Ms,
  p95_ms: Ms,
  p99_ms: Ms,
  max_ms: Ms,
  /** The bare broker's p99 for the same work, or null where no broker is involved (the renderer). */
  baseline_p99_ms: Ms.nullable(),
  baseline_runs: z.number().int().positive().nullable(),
  /** p99 / baseline p99: the figure that counts on a shared machine. */
  ratio: z.number().nonnegative().nullable(),
  /** The targets for this row, where it has them. */
  target_p99_ms: Ms.nullable(),
  target_ratio: z.number().positive().nullable(),
  met: z.boolean().nullable(),
});
export type LatencyRow = z.infer<typeof LatencyRow>;

/** A single measured quantity: CPU share, memory, a rate, a count. */
export const Figure = z.strictObject({
  scenario: z.string().min(1),
  remotes: z.number().int().nonnegative(),
  metric: z.string().min(1),
  value: z.number(),
  unit: z.string().min(1),
  /** The same quantity for the bare broker's clients, where it has a meaning. */
  baseline: z.number().nullable(),
  target_max: z.number().nullable(),
  met: z.boolean().nullable(),
});
export type Figure = z.infer<typeof Figure>;

export const Machine = z.strictObject({
  hostname: z.string(),
  cpus: z.number().int().positive(),
  cpu_model: z.string(),
  mem_gib: z.number().positive(),
  node: z.string(),
  kernel: z.string(),
  /** Load averages at the start and the end: other work on a shared machine shows here. */
  loadavg_start: z.tuple([z.number(), z.number(), z.number()]),
  loadavg_end: z.tuple([z.number(), z.number(), z.number()]),
  started_at: z.iso.datetime(),
  duration_s: z.number().nonnegative(),
});
export type Machine = z.infer<typeof Machine>;

/** A scenario that did not finish: what it measured before is kept, the run exits non-zero. */
export const Failure = z.strictObject({ scenario: z.string().min(1), error: z.string().min(1) });
export type Failure = z.infer<typeof Failure>;

export const BenchResults = z.strictObject({
  machine: Machine,
  mode: z.enum(['quick', 'full']),
  rows: z.array(LatencyRow),
  figures: z.array(Figure),
  failures: z.array(Failure),
});
export type BenchResults = z.infer<typeof BenchResults>;

/** Validates, then writes: a result that does not fit the schema is a bench bug, not a file. */
export async function writeResults(file: string, results: BenchResults): Promise<void> {
  const valid = BenchResults.parse(results);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(valid, null, 2)}\n`);
}

export async function readResults(file: string): Promise<BenchResults> {
  const parsed = BenchResults.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a bench result: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** What the name of some row or figure of each scenario starts with. */
const scenarioPrefixes = ['footprint', 'push', 'catch-up', 'failover', 'stats ingest', 'renderer', 'soak'];

/** The scenarios a full or quick run should have figures from and that `results` has none from. */
export function missingScenarios(results: BenchResults): string[] {
  const names = [...results.rows, ...results.figures].map((r) => r.scenario);
  return scenarioPrefixes.filter((p) => !names.some((n) => n.startsWith(p)));
}
