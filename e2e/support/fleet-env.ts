import { existsSync } from 'node:fs';
import { consoleProfilePath, labConsolePassphrase } from '../../lab/lab';
import { startLab, type LabFixture } from '../../tests/helpers/lab-fixture';
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
}

export interface FleetEnv {
  lab: LabFixture;
  sims: NodeProcess[];
  host: NodeProcess;
  /** The tokened URL the host printed. */
  url: string;
  origin: string;
  token: string;
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
  const stop = async () => {
    // Host and fleets first, brokers last, so nothing reconnects into a vanishing lab.
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  };
  try {
    const lab = await startLab({ heapMb: 256 });
    cleanup.push(() => lab.stop());

    const sims: NodeProcess[] = [];
    for (const g of opts.groups) {
      const sim = new NodeProcess(`simulate r-${g.first}…`, 'src-agent/cli.ts', [
        'simulate',
        '--remotes',
        String(g.remotes),
        '--first',
        String(g.first),
        '--lab-dir',
        lab.dir,
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
    }

    const host = new NodeProcess(
      'host',
      'src-main/host/cli.ts',
      ['--profile', consoleProfilePath(lab.opts)],
      {
        env: { SMT_PASSPHRASE: await labConsolePassphrase(lab.opts) },
      },
    );
    cleanup.push(() => host.stop());
    const [, origin, , token] = await host.waitForLine(CONSOLE_LINE, 60_000);
    if (!origin || !token) throw new Error(`unexpected host output:\n${host.output()}`);
    return { lab, sims, host, url: `${origin}/?token=${token}`, origin, token, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
