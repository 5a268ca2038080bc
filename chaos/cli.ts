/**
 * `npm run chaos -- [--seed N] [--json FILE] [--remotes N] [--agents N] [--duration S] …`: one chaos
 * run (run.ts). Prints the seed first, progress, the figures and every straggler; writes the report
 * with --json. Exit 0 when nothing was lost, duplicated, out of order or unconfirmed; 1 when something
 * was; 2 for bad arguments; 3 when the run itself could not be carried out.
 */
import { setMaxListeners } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { checkArgs, exitForUsage, prettyIssues, readArgs } from '../src-node/command-line';
import { randomSeed } from './random';
import { ChaosArgs, ChaosReport, describeReport, failed } from './report';
import { runChaos } from './run';

const usage = `usage: npm run chaos -- [--seed N] [--json FILE] [--remotes N] [--agents N] [--duration S]
                        [--broker-kills N] [--agent-kills N] [--console-kills N] [--offline N]
                        [--push-every MS] [--settle S]
  --seed N          replay a run (0 … 4294967295; printed first by every run)
  --json FILE       write the report: {pushes, deliveries, lost, duplicated, out_of_order, seed, faults, …}
  --remotes N       simulated remotes (default 200), in --agents processes (default 10)
  --duration S      seconds of pushing under faults (default 300); afterwards the fleet finishes until no
                    delivery has finished for --settle S (default 180)
  --broker-kills N  SIGKILLs of the active broker (default 6); --agent-kills N agent processes (default 12);
  --console-kills N the console process (default 2); --offline N remotes' offline windows (default 12)
  --push-every MS   mean time between pushes (default 1500)`;

function parse(argv: string[]): ChaosArgs {
  try {
    const { values } = readArgs(
      argv,
      Object.fromEntries(
        [
          'seed',
          'json',
          'remotes',
          'agents',
          'duration',
          'broker-kills',
          'agent-kills',
          'console-kills',
          'offline',
          'push-every',
          'settle',
        ].map((k) => [k, { type: 'string' as const }]),
      ),
    );
    const camel = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
    );
    return checkArgs(ChaosArgs, camel, prettyIssues);
  } catch (e) {
    exitForUsage('chaos', usage, e);
  }
}

const args = parse(process.argv.slice(2));
const seed = args.seed ?? randomSeed();
const out = (line: string) => process.stdout.write(`${line}\n`);
const abort = new AbortController();
// Every fault lane (one per agent process, the brokers, the console, the offline windows) and the push
// loop wait on this signal at once; each wait removes its listener when it ends.
setMaxListeners(args.agents + 8, abort.signal);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    out(`chaos: ${signal}; stopping what the run started`);
    abort.abort();
  });
}

try {
  const report = ChaosReport.parse(await runChaos({ ...args, seed, log: out, signal: abort.signal }));
  for (const line of describeReport(report)) out(line);
  if (args.json) {
    await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
    out(`chaos: report written to ${args.json}`);
  }
  if (failed(report)) out(`chaos: FAILED; replay with --seed ${seed}`);
  process.exit(failed(report) ? 1 : 0);
} catch (e) {
  process.stderr.write(
    `chaos: the run could not be carried out (seed ${seed}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(3);
}
