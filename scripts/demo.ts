/**
 * `npm run demo -- [--remotes N] [--real N] [--no-open] [--lab-dir DIR]`: the lab's brokers, a simulated fleet,
 * `--real` real remotes (each its own named and/or kea-dhcp4 and `smt-agent run`, lab/real-remotes.ts) and
 * the console (browser host), with Chromium opened on it when there is a display. Prints one line on stdout,
 * `Console: http://127.0.0.1:<port>/?token=<token>`; progress goes to stderr. Ctrl-C stops, by PID,
 * everything it started, brokers included, and nothing it did not start. Its children run in their own
 * process groups so that the terminal's Ctrl-C reaches the demo alone, which stops them in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { chromiumArgs, chromiumPath } from '../e2e/support/chromium';
import { NodeProcess } from '../e2e/support/processes';
import {
  consoleProfilePath,
  labConsolePassphrase,
  labDir,
  labDown,
  labStatus,
  labUp,
  MAX_REAL_REMOTES,
  describeRealRemote,
  startRealRemotes,
  stopRealRemotes,
  type BrokerStatus,
  type RealRemote,
} from '../lab/lab';
import { DEMO_MAX_REMOTES, brokerHeapMb, javaHeapMbOf } from '../lab/sizing';
import { checkArgs, exitForUsage, prettyIssues, readArgs } from '../src-node/command-line';
import { errorText } from '../src-shared/util/error-text';

const usage = 'usage: npm run demo -- [--remotes N] [--real N] [--no-open] [--lab-dir DIR]';

const Args = z.object({
  remotes: z.coerce
    .number('--remotes takes a number')
    .int()
    .min(1)
    .max(
      DEMO_MAX_REMOTES,
      `--remotes is at most ${DEMO_MAX_REMOTES}: what one machine holds with brokers, fleet and console`,
    )
    .default(25),
  real: z.coerce
    .number('--real takes a number')
    .int('--real takes a whole number')
    .min(0, '--real is at least 0')
    .max(
      MAX_REAL_REMOTES,
      `--real is at most ${MAX_REAL_REMOTES}: each real remote is three processes on this machine`,
    )
    .default(0),
  open: z.boolean(),
  labDir: z.string().min(1).optional(),
});

const say = (line: string) => process.stderr.write(`[demo] ${line}\n`);

function parseCli(): z.infer<typeof Args> {
  try {
    const { values } = readArgs(process.argv.slice(2), {
      remotes: { type: 'string' },
      real: { type: 'string' },
      'no-open': { type: 'boolean' },
      'lab-dir': { type: 'string' },
    });
    return checkArgs(
      Args,
      { remotes: values.remotes, real: values.real, open: !values['no-open'], labDir: values['lab-dir'] },
      prettyIssues,
    );
  } catch (e) {
    exitForUsage('demo', usage, e);
  }
}

/** Brokers running before the demo: those it must leave running when it stops. */
async function runningBrokers(dir: string): Promise<BrokerStatus[]> {
  try {
    return (await labStatus({ dir })).filter((b) => b.pid !== null);
  } catch {
    return []; // No lab there yet: up will create it.
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to a process that is not our child (a broker), SIGKILL if it outlives `graceMs`. */
async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A fleet that connects no further remote for this long is stuck (a broker refusing, a machine stalled). */
const FLEET_STALL_MS = 60_000;

/**
 * Waits for the simulator's `Simulating N remotes` line for as long as it keeps connecting remotes: a
 * busy machine admits a thousand remotes in two minutes or in five, and either is fine; one that connects
 * nothing more for a minute is not, and the error says how far it got.
 */
async function waitWhileConnecting(fleet: NodeProcess): Promise<void> {
  const lastCount = () => {
    const counts = [...fleet.output().matchAll(/^connected (\d+)\//gm)];
    return Number(counts.at(-1)?.[1] ?? 0);
  };
  let before = -1;
  for (;;) {
    try {
      await fleet.waitForLine(/^Simulating \d+ remotes/, FLEET_STALL_MS);
      return;
    } catch (e) {
      const now = lastCount();
      if (!fleet.running || now <= before) {
        throw new Error(
          fleet.running
            ? `the simulated fleet connected no further remote in ${FLEET_STALL_MS / 1000} s (at ${now}): is the broker refusing them, or the machine out of memory? Its output is above.`
            : (e as Error).message,
        );
      }
      before = now;
    }
  }
}

async function main(): Promise<void> {
  const args = parseCli();
  const dir = labDir(args.labDir ? { dir: args.labDir } : undefined);
  const lab = { dir };
  const steps: { what: string; undo: () => Promise<void> }[] = [];
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const step of steps.reverse()) {
      say(step.what);
      await step.undo().catch((e: unknown) => say(`${step.what} failed: ${String(e)}`));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const before = await runningBrokers(dir);
    // A broker too small for the fleet thrashes in full collections and drops every session within a
    // minute (1,000 remotes on 256 MB, docs/broker.md "Sizing"): refuse rather than start that.
    const heapMb = brokerHeapMb(args.remotes);
    for (const b of before) {
      const running = b.pid === null ? undefined : await javaHeapMbOf(b.pid);
      if (running !== undefined && running < heapMb) {
        throw new Error(
          `the lab's ${b.name} broker already runs with a ${running} MB heap, and ${args.remotes} remotes need ` +
            `about ${heapMb} MB: stop the lab (npm run lab -- down${args.labDir ? ` --dir ${dir}` : ''}) and start the demo again, ` +
            'or run it with fewer remotes',
        );
      }
    }
    say(`starting the lab brokers in ${dir} (heap ${heapMb} MB each, for ${args.remotes} remotes)`);
    const brokers = await labUp({ ...lab, heapMb });
    const started = brokers.filter((b) => b.pid !== null && !before.some((p) => p.pid === b.pid));
    if (started.length === brokers.length) {
      steps.push({ what: 'stopping the lab brokers (lab down)', undo: () => labDown(lab) });
    } else if (started.length > 0) {
      // Some were up already: stop only the ones this demo started.
      for (const b of started) {
        steps.push({
          what: `stopping the ${b.name} broker (pid ${b.pid})`,
          undo: async () => {
            if (b.pid !== null) await stopPid(b.pid, 15_000);
          },
        });
      }
    }
    for (const b of brokers)
      say(`${b.name.padEnd(9)} ${b.role.padEnd(7)} ${b.url}${b.pid ? ` (pid ${b.pid})` : ''}`);

    say(`starting ${args.remotes} simulated remotes`);
    const fleet = new NodeProcess(
      'simulate',
      'src-agent/cli.ts',
      // The DHCP remotes run as Kea HA pairs, so the Remote screen's HA section has something to show.
      ['simulate', '--remotes', String(args.remotes), '--lab-dir', dir, '--ha-pairs'],
      { onLine: (line) => process.stderr.write(`[fleet] ${line}\n`), detached: true },
    );
    steps.push({
      what: `stopping the simulated fleet (pid ${fleet.pid})`,
      undo: () => fleet.stop('SIGTERM'),
    });
    await waitWhileConnecting(fleet);

    if (args.real > 0) {
      say(`starting ${args.real} real remotes (named and/or kea-dhcp4 with smt-agent run each)`);
      const real: RealRemote[] = [];
      const abort = new AbortController();
      const starting = startRealRemotes(lab, args.real, {
        signal: abort.signal,
        onStarted: (r) => {
          real.push(r);
          say(`real ${describeRealRemote(r)}`);
        },
      });
      // Registered before they are up: a Ctrl-C while they start ends the starting, then stops them all.
      steps.push({
        what: 'stopping the real remotes (their agents, named and kea-dhcp4, by PID)',
        undo: async () => {
          abort.abort();
          await starting.catch(() => undefined);
          await stopRealRemotes(real);
        },
      });
      await starting;
    }

    // The lab's own passphrase (a lab convenience); a real console's admin types it at the host's prompt.
    let urlShown = false;
    const host = new NodeProcess('host', 'src-main/host/cli.ts', ['--profile', consoleProfilePath(lab)], {
      env: { SMT_PASSPHRASE: await labConsolePassphrase(lab) },
      detached: true,
      onLine: (line) => {
        // The first URL is printed below, once the host is up; a later one opens the next browser session.
        if (!line.startsWith('Console: ')) process.stderr.write(`${line}\n`);
        else if (urlShown) process.stdout.write(`${line}\n`);
      },
    });
    steps.push({ what: `stopping the console (pid ${host.pid})`, undo: () => host.stop('SIGTERM') });
    const [line, url] = await host.waitForLine(/^Console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/, 60_000);
    process.stdout.write(`${line}\n`);
    urlShown = true;

    for (const p of [fleet, host]) {
      void p.exited.then((code) => {
        if (stopping) return;
        say(`${p.name} exited unexpectedly (code ${code}):\n${p.output().split('\n').slice(-20).join('\n')}`);
        void stopAll(1);
      });
    }

    if (args.open && process.env.DISPLAY && existsSync(chromiumPath) && url) {
      const profile = await mkdtemp(join(tmpdir(), 'smt-demo-chromium-'));
      steps.push({
        what: 'removing the Chromium profile',
        undo: () => rm(profile, { recursive: true, force: true }),
      });
      // Chromium refuses to run as root with its sandbox; for anyone else the sandbox stays on.
      const flags = chromiumArgs.filter((a) => a !== '--no-sandbox' || process.getuid?.() === 0);
      const browser = spawn(chromiumPath, [...flags, `--user-data-dir=${profile}`, '--new-window', url], {
        stdio: 'ignore',
        detached: true,
      });
      steps.push({
        what: `stopping Chromium (pid ${browser.pid})`,
        undo: async () => {
          if (browser.pid !== undefined && browser.exitCode === null) process.kill(browser.pid, 'SIGTERM');
          await waitExit(browser, 5000);
        },
      });
      say('opened Chromium on the console');
    } else if (args.open) {
      say('no display (or no Chromium): open the URL above in a browser on this machine');
    }
    say('running; Ctrl-C stops everything the demo started');
  } catch (e) {
    say(`failed: ${errorText(e)}`);
    await stopAll(1);
  }
}

void main();
