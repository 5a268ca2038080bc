import { z } from 'zod';
import { checkArgs, exitForUsage, prettyIssues, readArgs, UsageError } from '../src-node/command-line';
import { lineLog } from '../src-node/log';
import { AgentConfigError, loadAgentConfig } from './agent/config';
import { createRealAgent } from './agent/run';
import { faultSyntax, parseFaults, type FaultSpec } from './simulate/faults';
import { createSimulation, simulatedIndices, type Simulation } from './simulate/simulation';
import { errorText } from '../src-shared/util/error-text';

const usage = `usage: smt-agent run --config FILE [--verbose]
       smt-agent check --config FILE
       smt-agent simulate --remotes N [--first K] [--serves dns|dhcp4] [--stats-interval-ms MS]
                         [--presence-interval-ms MS] [--lab-dir DIR] [--state-dir DIR]
                         [--faults FAULTS] [--ha-pairs] [--verbose]
  --ha-pairs   the DHCP remotes run as Kea HA hot-standby pairs, two by two (docs/dhcp.md, "HA")
${faultSyntax}`;

const SimulateArgs = z.object({
  remotes: z.coerce.number().int().min(1).max(5000),
  first: z.coerce.number().int().min(0).max(9999).default(1),
  serves: z.enum(['dns', 'dhcp4']).optional(),
  statsIntervalMs: z.coerce.number().int().min(500).max(600_000).default(5000),
  presenceIntervalMs: z.coerce.number().int().min(250).max(60_000).default(2000),
  labDir: z.string().min(1).optional(),
  stateDir: z.string().min(1).optional(),
  verbose: z.boolean().default(false),
  haPairs: z.boolean().default(false),
});

function parseSimulate(rest: string[]) {
  const { values } = readArgs(rest, {
    remotes: { type: 'string' },
    first: { type: 'string' },
    serves: { type: 'string' },
    'stats-interval-ms': { type: 'string' },
    'presence-interval-ms': { type: 'string' },
    'lab-dir': { type: 'string' },
    'state-dir': { type: 'string' },
    faults: { type: 'string' },
    'ha-pairs': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  const args = checkArgs(
    SimulateArgs,
    {
      remotes: values.remotes,
      first: values.first,
      serves: values.serves,
      statsIntervalMs: values['stats-interval-ms'],
      presenceIntervalMs: values['presence-interval-ms'],
      labDir: values['lab-dir'],
      stateDir: values['state-dir'],
      verbose: values.verbose,
      haPairs: values['ha-pairs'],
    },
    prettyIssues,
  );
  const last = simulatedIndices(args.first, args.remotes, args.serves).at(-1) ?? 0;
  if (last > 9999) throw new UsageError('remote ids stop at r-9999');
  let faults: FaultSpec;
  try {
    faults = parseFaults(values.faults ?? '');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { ...args, faults };
}

function parseConfigArgs(rest: string[]): { config: string; verbose: boolean } {
  const { values } = readArgs(rest, { config: { type: 'string' }, verbose: { type: 'boolean' } });
  if (!values.config) throw new UsageError('--config FILE is required');
  return { config: values.config, verbose: values.verbose ?? false };
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Stops on the first of SIGINT / SIGTERM (a second one exits at once), bounded in time. */
function onSignals(say: (signal: string) => void, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(signal);
    const deadline = setTimeout(() => process.exit(0), 8000);
    // Fire and forget: the process ends in `finally` whether stop resolves or throws.
    void stop().finally(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

async function run(rest: string[], checkOnly: boolean): Promise<void> {
  const args = parseConfigArgs(rest);
  const config = await loadAgentConfig(args.config);
  if (checkOnly) {
    out(`${args.config}: valid agent config for remote ${config.remoteId}`);
    return;
  }
  const log = lineLog(out, args.verbose ? 'debug' : 'info');
  const { agent, ledger } = await createRealAgent(config, log);
  agent.conn.onState((s, prev) => {
    if (s.kind === 'connected')
      out(`remote ${config.remoteId} connected to ${agent.conn.connectedBroker?.name ?? '?'}`);
    else if (prev.kind === 'connected')
      out(`remote ${config.remoteId} lost its broker session, now ${s.kind}`);
  });
  onSignals(
    (signal) => out(`${signal}: saying goodbye for remote ${config.remoteId}`),
    async () => {
      await agent.stop(3000);
      await ledger.close();
    },
  );
  out(`smt-agent: remote ${config.remoteId}, state in ${config.stateDir}`);
  agent.start();
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--help' || mode === '-h' || mode === 'help') {
    out(usage);
    return;
  }
  if (mode === 'run' || mode === 'check') return run(rest, mode === 'check');
  if (mode !== 'simulate') throw new UsageError(mode ? `unknown mode "${mode}"` : 'no mode given');
  const args = parseSimulate(rest);
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
    serves: args.serves,
    statsIntervalMs: args.statsIntervalMs,
    presenceIntervalMs: args.presenceIntervalMs,
    lab: args.labDir ? { dir: args.labDir } : undefined,
    stateDir: args.stateDir,
    faults: args.faults,
    haPairs: args.haPairs,
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

  onSignals(
    (signal) => {
      out(`${signal}: saying goodbye for ${n} remotes`);
      clearTimeout(summaryTimer);
    },
    () => sim.stop(3000),
  );
  await sim.start();
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) exitForUsage('smt-agent', usage, e);
  process.stderr.write(`smt-agent: ${errorText(e)}\n`);
  // A config mistake is a usage error: the operator must edit the file.
  process.exit(e instanceof AgentConfigError ? 2 : 1);
});
