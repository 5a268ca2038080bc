/**
 * Scenario 6: what the agent costs a remote at idle in real mode (`smt-agent run` with a real named and a
 * real kea-dhcp4: host statistics from /proc every 5 s, presence every 2 s, BIND's and Kea's statistics for
 * usage, heart-beats, and the served inventory's watchers — inotify on the zone directory and one Kea
 * command every 30 s, the default), against
 * a bare STOMP client holding one session; and the memory a simulated remote costs (`simulate`), from two
 * simulator processes of different sizes, against the bare clients' memory per session.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { NodeProcess } from '../../e2e/support/processes';
import { labSignerCertFile, remoteIdentity } from '../../lab/lab';
import { startBind, startKea } from '../../lab/real-servers';
import type { BenchContext } from '../context';
import { own, planGroups, ready, startBareRemotes, startSimulate, stopAll } from '../fleet';
import { MiB, measureProcess, memory } from '../proc';
import type { Figure } from '../results';
import { figure } from '../rows';

export interface FootprintOptions {
  windowS: number;
  /** The two simulator sizes the memory per remote is taken between. */
  small: number;
  large: number;
}

/** The real agent's remote; the simulators' remotes start at r-8001. */
const AGENT_INDEX = 9001;
const FIRST_SIM_INDEX = 8001;
/** Both sides have sent a sample from every remote (stats every 5 s) before memory is read. */
const SETTLE_MS = 6000;

/** The config of a real agent for `rid`, with the lab's brokers and signer and this named. */
async function agentConfig(ctx: BenchContext, rid: string, bind: object, kea: object): Promise<string> {
  const identity = await remoteIdentity(rid, { ...ctx.lab.opts, provision: true });
  const dir = join(ctx.workDir, 'agent');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'agent.json');
  const config = {
    remoteId: rid,
    brokers: identity.brokers,
    tls: identity.tls,
    trustedSigners: [labSignerCertFile(ctx.lab.opts)],
    stateDir: join(dir, 'state'),
    bind,
    kea,
  };
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

/** The CPU share and peak RSS of two processes over the same window. */
async function sideBySide(pids: [number, number], windowS: number) {
  const cpu = pids.map((pid) => measureProcess(pid));
  const peak = [0, 0];
  const t0 = performance.now();
  while (performance.now() - t0 < windowS * 1000) {
    await delay(1000);
    pids.forEach((pid, i) => (peak[i] = Math.max(peak[i] ?? 0, memory(pid).rss)));
  }
  const [a, b] = cpu.map((c, i) => ({ cpuShare: c.end().cpuShare * 100, peakRss: (peak[i] ?? 0) / MiB }));
  return {
    smt: a as { cpuShare: number; peakRss: number },
    bare: b as { cpuShare: number; peakRss: number },
  };
}

export async function footprint(ctx: BenchContext, opts: FootprintOptions): Promise<Figure[]> {
  const bind = own(await startBind());
  const kea = own(await startKea());
  const procs: NodeProcess[] = [];
  try {
    const [one] = planGroups([1], AGENT_INDEX);
    const rid = one?.ids[0];
    if (!one || !rid) throw new Error('no remote planned');
    const file = await agentConfig(ctx, rid, bind.settings, kea.settings);
    const agent = new NodeProcess('agent', 'src-agent/cli.ts', ['run', '--config', file], {
      nodeArgs: ctx.nodeArgs,
    });
    procs.push(await ready(agent, new RegExp(`^remote ${rid} connected to`), 60_000));
    const bareOne = await startBareRemotes(ctx, one);
    procs.push(bareOne);
    ctx.say(`footprint: agent idle in real mode, ${opts.windowS} s`);
    const idle = await sideBySide([agent.pid, bareOne.pid], opts.windowS);
    await stopAll(procs.splice(0));

    const [small, large] = planGroups([opts.small, opts.large], FIRST_SIM_INDEX);
    if (!small || !large) throw new Error('no simulators planned');
    const sims = [await startSimulate(ctx, small), await startSimulate(ctx, large)];
    const bares = [await startBareRemotes(ctx, small), await startBareRemotes(ctx, large)];
    procs.push(...sims, ...bares);
    await delay(SETTLE_MS);
    const rss = (p: NodeProcess) => memory(p.pid).rss;
    const perRemote = (pair: NodeProcess[]) =>
      (rss(pair[1] as NodeProcess) - rss(pair[0] as NodeProcess)) / (opts.large - opts.small) / MiB;
    const simPer = perRemote(sims);
    const barePer = perRemote(bares);
    ctx.say(
      `footprint: agent ${idle.smt.cpuShare.toFixed(2)} % CPU, ${Math.round(idle.smt.peakRss)} MiB; ` +
        `simulate ${simPer.toFixed(2)} MiB a remote`,
    );
    return [
      figure('footprint', 1, 'agent CPU at idle (real mode)', idle.smt.cpuShare, '% of a core', {
        baseline: idle.bare.cpuShare,
      }),
      figure('footprint', 1, 'agent RSS at idle (real mode)', idle.smt.peakRss, 'MiB', {
        baseline: idle.bare.peakRss,
      }),
      figure('footprint', opts.large, 'simulate memory a remote', simPer, 'MiB', { baseline: barePer }),
    ];
  } finally {
    await stopAll([...procs, bind, kea]);
  }
}
