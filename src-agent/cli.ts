import { parseArgs } from 'node:util';
import { z } from 'zod';
import { lineLog } from '../src-node/log';
import { createSimulation, type Simulation } from './simulate/simulation';

const usage = `usage: smt-agent simulate --remotes N [--first K] [--stats-interval-ms MS]
                         [--presence-interval-ms MS] [--lab-dir DIR] [--verbose]`;

const SimulateArgs = z.object({
  remotes: z.coerce.number().int().min(1).max(5000),
  first: z.coerce.number().int().min(0).max(9999).default(1),
  statsIntervalMs: z.coerce.number().int().min(500).max(600_000).default(5000),
  presenceIntervalMs: z.coerce.number().int().min(250).max(60_000).default(2000),
  labDir: z.string().min(1).optional(),
  verbose: z.boolean().default(false),
});

function fail(message: string): never {
  process.stderr.write(`smt-agent: ${message}\n${usage}\n`);
  process.exit(2);
}

function parse(argv: string[]) {
  const [mode, ...rest] = argv;
  if (mode !== 'simulate')
    fail(mode ? `unknown mode "${mode}" (only "simulate" exists so far)` : 'no mode given');
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        remotes: { type: 'string' },
        first: { type: 'string' },
        'stats-interval-ms': { type: 'string' },
        'presence-interval-ms': { type: 'string' },
        'lab-dir': { type: 'string' },
        verbose: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  const parsed = SimulateArgs.safeParse({
    remotes: values.remotes,
    first: values.first,
    statsIntervalMs: values['stats-interval-ms'],
    presenceIntervalMs: values['presence-interval-ms'],
    labDir: values['lab-dir'],
    verbose: values.verbose,
  });
  if (!parsed.success) fail(z.prettifyError(parsed.error));
  if (parsed.data.first + parsed.data.remotes - 1 > 9999) fail('remote ids stop at r-9999');
  return parsed.data;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const n = args.remotes;
  let announced = false;
  let lastSummary = '';
  let summaryTimer: NodeJS.Timeout | undefined;
  const summary = (sim: Simulation) => {
    const byBroker = Object.entries(sim.byBroker())
      .map(([b, c]) => `${b} ${c}`)
      .join(', ');
    const line = `connected ${sim.connected()}/${n}${byBroker ? ` (${byBroker})` : ''}`;
    if (line !== lastSummary) out(line);
    lastSummary = line;
  };
  const sim = await createSimulation({
    remotes: n,
    first: args.first,
    statsIntervalMs: args.statsIntervalMs,
    presenceIntervalMs: args.presenceIntervalMs,
    lab: args.labDir ? { dir: args.labDir } : undefined,
    log: lineLog(out, args.verbose ? 'info' : 'error'),
    onChange: (s) => {
      if (!announced && s.connected() === n) {
        announced = true;
        out(`Simulating ${n} remotes (${n} connected)`);
      }
      // Coalesce a fleet reconnecting at once into one line a second.
      summaryTimer ??= setTimeout(() => {
        summaryTimer = undefined;
        summary(s);
      }, 1000);
    },
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    out(`${signal}: saying goodbye for ${n} remotes`);
    clearTimeout(summaryTimer);
    const deadline = setTimeout(() => process.exit(0), 8000);
    sim.stop(3000).finally(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await sim.start();
}

main().catch((e: unknown) => {
  process.stderr.write(`smt-agent: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
