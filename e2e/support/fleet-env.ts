import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleProfilePath, labConsolePassphrase } from '../../lab/lab';
import { startLab, type LabFixture } from '../../tests/helpers/lab-fixture';
import { passphraseSealer } from '../../src-node/secrets';
import { ProfileRegistry } from '../../src-main/core/profiles/registry';
import { startRealRemotes, type RealRemote } from '../../lab/real-remotes';
import { labImportForm } from '../../tests/helpers/lab-import-form';
import { stopCountingLeftovers } from '../../tests/helpers/real-remotes';
import { rendererIndex } from './paths';
import { NodeProcess } from './processes';

export interface SimGroup {
  remotes: number;
  /** Number of the first remote: r-<first> onwards. */
  first: number;
  /** More `simulate` arguments for this group only, e.g. ['--faults', 'r-0031:fail-validation']. */
  args?: string[];
}

export interface FleetEnvOptions {
  /** One `simulate` process per group, so a test can kill one group by PID. */
  groups: SimGroup[];
  statsIntervalMs?: number;
  presenceIntervalMs?: number;
  /** A second IPAM: its own lab and fleet, imported into the host's profiles directory under `name`. */
  secondIpam?: { name: string; groups: SimGroup[] };
  /**
   * The first run of an installed console: the host starts with an empty profiles directory, no
   * --profile and no passphrase in its environment (the page onboards, or asks to unlock).
   */
  firstRun?: boolean;
  /**
   * Real remotes real-01 … real-<n> beside the simulated ones (lab/real-remotes.ts startRealRemotes: each
   * its own agent with a real named and/or kea-dhcp4; real-02 and real-03 run Kea), so a test can check
   * what a real server serves after a push through the UI.
   */
  realRemotes?: number;
}

export interface FleetEnv {
  lab: LabFixture;
  /** The second IPAM's lab, when asked for. */
  lab2?: LabFixture;
  /** The host's profiles directory (inside the first lab's temp dir). */
  profilesDir: string;
  sims: NodeProcess[];
  /** The real remotes asked for with `realRemotes` (none otherwise), in order: real-01 first. */
  real: RealRemote[];
  /** The host running now (a new process after restartHost). */
  readonly host: NodeProcess;
  /** Stops the host by PID and starts it again as it was started; its new URL is then `url`. */
  restartHost(): Promise<void>;
  /** The tokened URL the host printed last (a new one after a session ended with no page open). */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  stop(): Promise<void>;
}

const CONSOLE_LINE = /^Console: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/;

/**
 * Everything an end-to-end test drives, started for real and stopped by PID: a private lab (two brokers in
 * a temp dir), simulated fleets, and the browser host with the console core, whose URL is read from its
 * stdout as an admin would.
 */
export async function startFleetEnv(opts: FleetEnvOptions): Promise<FleetEnv> {
  if (!existsSync(rendererIndex)) throw new Error('no renderer bundle: run `npm run build:renderer` first');
  const cleanup: (() => Promise<void>)[] = [];
  // A real remote's process outliving the test is a defect the run must report, not swallow.
  let leftovers: Error | undefined;
  const stop = async () => {
    // Host and fleets first, brokers last, so nothing reconnects into a vanishing lab.
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
    if (leftovers) throw leftovers;
  };
  try {
    const lab = await startLab({ heapMb: 256 });
    cleanup.push(() => lab.stop());

    const sims: NodeProcess[] = [];
    const simulate = async (g: SimGroup, labDir: string) => {
      const sim = new NodeProcess(`simulate r-${g.first}…`, 'src-agent/cli.ts', [
        'simulate',
        '--remotes',
        String(g.remotes),
        '--first',
        String(g.first),
        '--lab-dir',
        labDir,
        '--stats-interval-ms',
        String(opts.statsIntervalMs ?? 1000),
        '--presence-interval-ms',
        String(opts.presenceIntervalMs ?? 1000),
        ...(g.args ?? []),
      ]);
      cleanup.push(() => sim.stop());
      sims.push(sim);
      await sim.waitForLine(
        new RegExp(`^Simulating ${g.remotes} remotes \\(${g.remotes} connected\\)`),
        120_000,
      );
    };
    for (const g of opts.groups) await simulate(g, lab.dir);

    const real: RealRemote[] = [];
    if (opts.realRemotes) {
      // Each one is pushed as it starts, so a failure halfway still stops those already running.
      cleanup.push(async () => {
        const { alive } = await stopCountingLeftovers(real);
        if (alive.length > 0) {
          leftovers = new Error(`real remotes left PIDs running after their stop: ${alive.join(', ')}`);
          for (const pid of alive) process.kill(pid, 'SIGKILL');
        }
      });
      await startRealRemotes(lab.opts, opts.realRemotes, { onStarted: (r) => real.push(r) });
    }

    const profilesDir = join(lab.dir, 'profiles');
    let lab2: LabFixture | undefined;
    if (opts.secondIpam) {
      const second = await startLab({ heapMb: 256 });
      lab2 = second;
      cleanup.push(() => second.stop());
      for (const g of opts.secondIpam.groups) await simulate(g, second.dir);
      // Sealed with the passphrase the host starts with, as the host's own Import would.
      await new ProfileRegistry(profilesDir).importBundle(
        await labImportForm(second, opts.secondIpam.name),
        passphraseSealer(await labConsolePassphrase(lab.opts)),
      );
    }

    const startHost = async () => {
      const started = opts.firstRun
        ? new NodeProcess('host', 'src-main/host/cli.ts', ['--profiles-dir', profilesDir], {
            env: { SMT_PASSPHRASE: undefined, SMT_PROFILES_DIR: undefined },
          })
        : new NodeProcess(
            'host',
            'src-main/host/cli.ts',
            ['--profile', consoleProfilePath(lab.opts), '--profiles-dir', profilesDir],
            { env: { SMT_PASSPHRASE: await labConsolePassphrase(lab.opts) } },
          );
      cleanup.push(() => started.stop());
      const [, origin, , first] = await started.waitForLine(CONSOLE_LINE, 60_000);
      if (!origin || !first) throw new Error(`unexpected host output:\n${started.output()}`);
      return { process: started, origin, first };
    };
    let host = await startHost();
    const token = () =>
      host.process
        .output()
        .split('\n')
        .map((line) => CONSOLE_LINE.exec(line)?.[3])
        .filter((t): t is string => t !== undefined)
        .pop() ?? host.first;
    return {
      lab,
      ...(lab2 ? { lab2 } : {}),
      profilesDir,
      sims,
      real,
      get host() {
        return host.process;
      },
      restartHost: async () => {
        await host.process.stop();
        host = await startHost();
      },
      get url() {
        return `${host.origin}/?token=${token()}`;
      },
      get origin() {
        return host.origin;
      },
      get token() {
        return token();
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
