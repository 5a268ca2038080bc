/**
 * Scenario 4: the fleet reports (stats every 5 s, presence every 2 s, the agents' defaults) while the
 * console core runs as its own process, the browser host of `npm run host` (fleet model, trend recorder,
 * fleet memory, batched patches over the WebSocket bridge): its share of one core and its memory, read
 * from /proc over the window, and the patches that reach a client of the bridge. Beside it, a bare
 * consumer of the same topics with the console's certificate gives the floor for the same stream.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { NodeProcess } from '../../e2e/support/processes';
import { consoleProfilePath, labConsolePassphrase, labConsoleTls } from '../../lab/lab';
import { waitFor } from '../../src-node/smt/testing/wait';
import { destinations } from '../../src-shared/protocol';
import { FleetSnapshot } from '../../src-shared/ipc/views';
import type { BareConsumerConfig } from '../bare/protocol';
import { BridgeProbe } from '../bridge-probe';
import type { BenchContext } from '../context';
import { brokersOf, planGroups, ready, startSimulate, stopAll } from '../fleet';
import { MiB, measureProcess, memory } from '../proc';
import type { Figure } from '../results';
import { figure } from '../rows';

export interface StatsIngestOptions {
  groups: number[];
  windowS: number;
}

/** Remotes of this scenario start here (r-6001 on). */
const FIRST_INDEX = 6001;
const CONSOLE_LINE = /^Console: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)$/;

/** The bare consumer's files: the console's key unsealed into the run's temp dir (0600), gone with it. */
async function bareConsumerConfig(ctx: BenchContext): Promise<string> {
  const tls = await labConsoleTls(ctx.lab.opts);
  const dir = ctx.workDir;
  await writeFile(join(dir, 'console.crt'), tls.cert);
  await writeFile(join(dir, 'console.key'), tls.key, { mode: 0o600 });
  await writeFile(join(dir, 'ca.crt'), tls.ca);
  const config: BareConsumerConfig = {
    brokers: brokersOf(ctx.lab),
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'console.crt'),
    keyFile: join(dir, 'console.key'),
    topics: (['stats', 'presence', 'usage'] as const).map((k) => destinations.allRemotesTopic(k)),
  };
  const file = join(dir, 'bare-consumer.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

export async function statsIngest(ctx: BenchContext, opts: StatsIngestOptions): Promise<Figure[]> {
  const groups = planGroups(opts.groups, FIRST_INDEX);
  const ids = groups.flatMap((g) => g.ids);
  const n = ids.length;
  const procs: NodeProcess[] = [];
  let probe: BridgeProbe | undefined;
  try {
    for (const g of groups) procs.push(await startSimulate(ctx, g));
    const host = new NodeProcess(
      'host',
      'src-main/host/cli.ts',
      ['--profile', consoleProfilePath(ctx.lab.opts), '--profiles-dir', join(ctx.workDir, 'profiles')],
      { env: { SMT_PASSPHRASE: await labConsolePassphrase(ctx.lab.opts) }, nodeArgs: ctx.nodeArgs },
    );
    procs.push(await ready(host, CONSOLE_LINE, 60_000));
    const [, origin = '', token = ''] = await host.waitForLine(CONSOLE_LINE, 1000);
    const bridge = await BridgeProbe.open(origin, token);
    probe = bridge;
    await waitFor(
      `all ${n} remotes online with stats in the console`,
      async () => {
        const r = (await bridge.call('getFleet')) as { ok: boolean; value?: unknown };
        const fleet = FleetSnapshot.safeParse(r.value);
        const mine = new Set(ids);
        return (
          fleet.success &&
          fleet.data.remotes.filter((v) => mine.has(v.id) && v.status === 'online' && v.statsAt !== null)
            .length === n
        );
      },
      180_000,
      1000,
    );
    const consumer = new NodeProcess('bare consumer', 'bench/bare/stats-consumer.ts', [
      await bareConsumerConfig(ctx),
    ]);
    procs.push(await ready(consumer, /^ready$/, 60_000));

    ctx.say(`stats ingest: ${n} remotes reporting, measuring ${opts.windowS} s`);
    const core = measureProcess(host.pid);
    const bare = measureProcess(consumer.pid);
    const patches0 = bridge.patches;
    const upserts0 = bridge.upserts;
    let peakRss = 0;
    let peakBareRss = 0;
    const t0 = performance.now();
    // Memory sampled every second over the window: its peak, not one reading at the end.
    while (performance.now() - t0 < opts.windowS * 1000) {
      await delay(1000);
      peakRss = Math.max(peakRss, memory(host.pid).rss);
      peakBareRss = Math.max(peakBareRss, memory(consumer.pid).rss);
    }
    const c = core.end();
    const b = bare.end();
    const seconds = (performance.now() - t0) / 1000;
    const patchesPerS = (bridge.patches - patches0) / seconds;
    const upsertsPerS = (bridge.upserts - upserts0) / seconds;
    ctx.say(
      `stats ingest: console core ${(c.cpuShare * 100).toFixed(1)} % of a core, ${Math.round(peakRss / MiB)} MiB; ` +
        `bare ${(b.cpuShare * 100).toFixed(1)} %; ${patchesPerS.toFixed(1)} patches/s`,
    );
    return [
      figure('stats ingest', n, 'console core CPU', c.cpuShare * 100, '% of a core', {
        baseline: b.cpuShare * 100,
        targetMax: 15,
      }),
      figure('stats ingest', n, 'console core RSS (peak)', peakRss / MiB, 'MiB', {
        baseline: peakBareRss / MiB,
        targetMax: 250,
      }),
      figure('stats ingest', n, 'patches to the renderer', patchesPerS, 'per s'),
      figure('stats ingest', n, 'remote updates in them', upsertsPerS, 'per s'),
    ];
  } finally {
    probe?.close();
    await stopAll(procs);
  }
}
