/**
 * The remotes a scenario needs, each group in its own process as a deployment would spread them: SMT's
 * `smt-agent simulate` (the real agent pipeline) and, beside it with the same ids and certificates, the
 * bare-broker remotes of the baseline. Stopped by PID.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeProcess } from '../e2e/support/processes';
import { labConsoleId, labConsoleTls, remoteIdentities } from '../lab/lab';
import { remoteIdOf, simulatedIndices } from '../src-agent/simulate/simulation';
import type { LabFixture } from '../tests/helpers/lab-fixture';
import { BareConsole } from './bare/console';
import type { BenchContext } from './context';
import type { BareRemotesConfig } from './bare/protocol';
import type { BareBroker } from './bare/stomp';

/** A run of consecutive DNS-serving remotes: one simulate process, one bare process. */
export interface Group {
  /** The index `simulate --first` starts from. */
  first: number;
  ids: string[];
}

/**
 * Splits the first DNS-serving remotes from index `from` on into groups of these sizes. Scenarios take
 * ranges of their own, so one's queues and ledgers never meet another's.
 */
export function planGroups(sizes: readonly number[], from = 1): Group[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const indices = simulatedIndices(from, total, 'dns');
  const groups: Group[] = [];
  let at = 0;
  for (const size of sizes) {
    const slice = indices.slice(at, at + size);
    groups.push({ first: slice[0] as number, ids: slice.map(remoteIdOf) });
    at += size;
  }
  return groups;
}

export const brokersOf = (lab: LabFixture): BareBroker[] =>
  lab.brokers.map((b) => ({ host: b.host, port: b.port }));

export interface SimulateOptions {
  stateDir?: string;
  statsIntervalMs?: number;
  presenceIntervalMs?: number;
}

/** A process or server a scenario started (a NodeProcess, the footprint's named). */
interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Everything a scenario started and has not stopped: what an interrupted run must still stop (a signal
 * exits before a scenario's own finally runs).
 */
const owned = new Set<Stoppable>();

/** Registers what a scenario started that is not started through `ready` (a server); returns it. */
export function own<T extends Stoppable>(started: T): T {
  owned.add(started);
  return started;
}

/**
 * Registers the process and waits for its ready line; one that never gets there is stopped, not left
 * running.
 */
export async function ready(p: NodeProcess, line: RegExp, timeoutMs = 180_000): Promise<NodeProcess> {
  own(p);
  try {
    await p.waitForLine(line, timeoutMs);
    return p;
  } catch (e) {
    await p.stop('SIGKILL');
    throw e;
  }
}

/** One `smt-agent simulate` process for the group; resolves once all its remotes are connected. */
export async function startSimulate(
  ctx: BenchContext,
  g: Group,
  opts: SimulateOptions = {},
): Promise<NodeProcess> {
  const args = ['simulate', '--remotes', String(g.ids.length), '--first', String(g.first), '--serves', 'dns'];
  args.push('--lab-dir', ctx.lab.dir);
  if (opts.stateDir) args.push('--state-dir', opts.stateDir);
  if (opts.statsIntervalMs) args.push('--stats-interval-ms', String(opts.statsIntervalMs));
  if (opts.presenceIntervalMs) args.push('--presence-interval-ms', String(opts.presenceIntervalMs));
  const p = new NodeProcess(`simulate ${g.ids[0]}…`, 'src-agent/cli.ts', args, { nodeArgs: ctx.nodeArgs });
  return ready(p, new RegExp(`^Simulating ${g.ids.length} remotes`));
}

/** One process of bare remotes for the group; resolves once all are connected. */
export async function startBareRemotes(ctx: BenchContext, g: Group): Promise<NodeProcess> {
  const identities = await remoteIdentities(g.ids, { ...ctx.lab.opts, provision: true });
  const config: BareRemotesConfig = {
    brokers: brokersOf(ctx.lab),
    caFile: identities[0]?.tls.caFile ?? '',
    consoleId: labConsoleId,
    remotes: identities.map((i) => ({ id: i.remoteId, certFile: i.tls.certFile, keyFile: i.tls.keyFile })),
    concurrency: 25,
  };
  const file = join(ctx.workDir, `bare-${g.first}-${g.ids.length}.json`);
  await writeFile(file, JSON.stringify(config));
  const p = new NodeProcess(`bare ${g.ids[0]}…`, 'bench/bare/remotes.ts', [file], { nodeArgs: ctx.nodeArgs });
  return ready(p, /^ready \d+/);
}

/** The baseline's console, connected with the lab console's certificate. */
export async function startBareConsole(ctx: BenchContext): Promise<BareConsole> {
  const tls = await labConsoleTls(ctx.lab.opts);
  const c = new BareConsole(brokersOf(ctx.lab), tls, labConsoleId);
  await c.start();
  return c;
}

/** Stops processes (by PID) and servers, in parallel. */
export async function stopAll(started: Iterable<Stoppable>): Promise<void> {
  await Promise.all(
    [...started].map(async (p) => {
      await p.stop();
      owned.delete(p);
    }),
  );
}

/** Stops whatever is still running (an interrupted or failed run). */
export const stopOwned = () => stopAll(owned);
