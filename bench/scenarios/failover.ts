/**
 * Scenario 2: SIGKILL the active broker with the fleet connected and a push in flight; the time from the
 * kill until every remote has said hello again (its session is open: the hello carries the remote's own
 * clock, on this machine the same as ours), and until the push is applied everywhere. Lost and doubled
 * applies are counted from the agents' ledgers. The bare broker's clients do the same: reconnect, say
 * hello, answer the message in flight. SMT's runs come first with only SMT's fleet connected, then the
 * bare fleet's with only its own: a kill moves every client of the broker, and with both fleets connected
 * each run measured the reconnect storm of twice the remotes it names. Each run ends once its fleet is
 * back and its work done, and the killed broker then comes back as the standby of the one that took
 * over, so the runs fail over from one broker to the other in turn.
 */
import { join } from 'node:path';
import type { NodeProcess } from '../../e2e/support/processes';
import { killBroker, labStatus, labUp, type BrokerName } from '../../lab/lab';
import { waitFor } from '../../src-node/smt/testing/wait';
import { ledgerLines, startPushConsole } from '../../tests/helpers/push-console';
import type { BenchContext } from '../context';
import { planGroups, startBareConsole, startBareRemotes, startSimulate, stopAll, type Group } from '../fleet';
import type { Figure, LatencyRow } from '../results';
import { figure, latencyRow } from '../rows';
import { configMessageBytes, knowsAll, zonePushTo } from '../smt-console';
import { distribution } from '../stats';

export interface FailoverOptions {
  groups: number[];
  /** Runs of each kind (SMT, bare). */
  runs: number;
}

/** Remotes of this scenario start here (r-3001 on). */
const FIRST_INDEX = 3001;
const TARGET_MS = 5000;
/** How long a run waits for everything to come back before it counts what is missing. */
const RUN_TIMEOUT_MS = 60_000;

interface Run {
  backMs: number;
  doneMs: number;
  lost: number;
  duplicated: number;
}

/** Each remote's first hello since the last kill: when it was connected again (a later one is a flap). */
class Hellos {
  private since = Number.POSITIVE_INFINITY;
  private readonly first = new Map<string, number>();

  constructor(private readonly ids: readonly string[]) {}

  reset(since: number): void {
    this.since = since;
    this.first.clear();
  }

  take(from: string, ts: number): void {
    if (ts >= this.since && !this.first.has(from)) this.first.set(from, ts);
  }

  /** When the last remote came back, once all have. */
  allBackAt(): number | undefined {
    return this.ids.every((id) => this.first.has(id)) ? Math.max(...this.first.values()) : undefined;
  }

  missing(): number {
    return this.ids.filter((id) => !this.first.has(id)).length;
  }
}

const ms = (at: number | undefined, from: number) => (at === undefined ? RUN_TIMEOUT_MS : at - from);
const say = (v: number | undefined, from: number, what: string) =>
  v === undefined ? `${what} never` : `${what} ${v - from} ms`;

export async function failover(
  ctx: BenchContext,
  opts: FailoverOptions,
): Promise<{ rows: LatencyRow[]; figures: Figure[] }> {
  const groups = planGroups(opts.groups, FIRST_INDEX);
  const ids = groups.flatMap((g) => g.ids);
  const stateDir = join(ctx.workDir, 'failover-state');
  const pc = await startPushConsole(ctx.lab.opts, join(ctx.workDir, 'failover.db'));
  const bare = await startBareConsole(ctx);
  const bytes = await configMessageBytes(ctx.lab);
  const smtHellos = new Hellos(ids);
  const bareHellos = new Hellos(ids);
  const offHello = pc.core.onFleetMessage((env) => {
    if (env.type === 'hello') smtHellos.take(env.from, env.ts);
  });
  const offBareHello = bare.onHello((from, ts) => bareHellos.take(from, ts));
  const smtRuns: Run[] = [];
  const bareRuns: Run[] = [];

  /** The broker that holds the store lock now: asked before the work starts, so the kill follows it at once. */
  const activeBroker = async () => {
    const active = (await labStatus(ctx.lab.opts)).find((b) => b.role === 'active');
    if (!active) throw new Error('no active broker to kill');
    return active.name;
  };

  /**
   * Kills the active broker and waits for the fleet and `done`. A bare remote whose SUBSCRIBE or hello
   * the broker lost never comes back; it is counted missing, not waited for.
   */
  const killAndWait = async (
    active: BrokerName,
    fleet: Hellos,
    done: () => number | undefined,
  ): Promise<number> => {
    const at = Date.now();
    fleet.reset(at);
    await killBroker(active, ctx.lab.opts);
    await waitFor(
      'the fleet back and the work in flight done',
      () => fleet.allBackAt() !== undefined && done() !== undefined,
      RUN_TIMEOUT_MS,
      20,
    ).catch(() => undefined);
    return at;
  };

  const smtRun = async (version: number): Promise<Run> => {
    const applied = new Set<string>();
    let appliedAt: number | undefined;
    let pushId = '';
    const offResults = pc.core.onResults((results) => {
      for (const r of results) {
        if (r.body.state !== 'applied' || r.body.pushId !== pushId) continue;
        applied.add(r.from);
        if (applied.size === ids.length) appliedAt = Date.now();
      }
    });
    let killedAt: number;
    try {
      const active = await activeBroker();
      pushId = pc.engine.push(zonePushTo(ids, version)).push.id;
      killedAt = await killAndWait(active, smtHellos, () => appliedAt);
    } finally {
      offResults();
    }
    let lost = 0;
    let duplicated = 0;
    for (const rid of ids) {
      const applies = (await ledgerLines(stateDir, rid)).filter(
        (l) => l.object === 'zone:fleet.test' && l.version === version && l.state === 'applied',
      ).length;
      if (applies === 0) lost++;
      if (applies > 1) duplicated += applies - 1;
    }
    const back = smtHellos.allBackAt();
    ctx.say(
      `failover (SMT): ${say(back, killedAt, 'all back')} (${smtHellos.missing()} missing), ` +
        `${say(appliedAt, killedAt, 'applied')} (${applied.size}/${ids.length}), lost ${lost}, duplicated ${duplicated}`,
    );
    return { backMs: ms(back, killedAt), doneMs: ms(appliedAt, killedAt), lost, duplicated };
  };

  const bareRun = async (): Promise<Run> => {
    let repliedAt: number | undefined;
    const active = await activeBroker();
    const round = bare.fanOut(ids, bytes);
    void round.replied.then(() => (repliedAt = Date.now()));
    const killedAt = await killAndWait(active, bareHellos, () => repliedAt);
    if (repliedAt === undefined) bare.abandon();
    const answered = [...bare.answers].filter(([k]) => k.startsWith(`${round.round} `));
    const duplicated = answered.reduce((n, [, count]) => n + count - 1, 0);
    const lost = ids.length - answered.length;
    const back = bareHellos.allBackAt();
    ctx.say(
      `failover (bare): ${say(back, killedAt, 'all back')} (${bareHellos.missing()} missing), ` +
        `${say(repliedAt, killedAt, 'answered')}, lost ${lost}, duplicated ${duplicated}, ` +
        `malformed bodies so far ${bare.malformed}`,
    );
    return { backMs: ms(back, killedAt), doneMs: ms(repliedAt, killedAt), lost, duplicated };
  };

  /** Starts one kind's fleet, runs `run` opts.runs times with only it connected, and stops it. */
  const phase = async (
    kind: string,
    start: (g: Group) => Promise<NodeProcess>,
    connected: () => Promise<void>,
    run: (r: number) => Promise<void>,
  ) => {
    const started: NodeProcess[] = [];
    try {
      for (const g of groups) started.push(await start(g));
      await connected();
      ctx.say(`failover: ${ids.length} ${kind} remotes up`);
      for (let r = 1; r <= opts.runs; r++) {
        await run(r);
        // The killed broker comes back as the standby of the one that took over.
        await labUp(ctx.lab.opts);
      }
    } finally {
      await stopAll(started);
    }
  };

  try {
    await phase(
      'SMT',
      (g) => startSimulate(ctx, g, { stateDir }),
      () => knowsAll(pc, ids),
      async (r) => void smtRuns.push(await smtRun(r)),
    );
    // The bare remotes print their ready line once every one is connected.
    await phase(
      'bare',
      (g) => startBareRemotes(ctx, g),
      async () => undefined,
      async () => void bareRuns.push(await bareRun()),
    );
  } finally {
    offHello();
    offBareHello();
    bare.stop();
    await pc.stop();
  }
  const n = ids.length;
  const sum = (runs: Run[], k: 'lost' | 'duplicated') => runs.reduce((a, b) => a + b[k], 0);
  const target = { p99: TARGET_MS, ratio: null };
  const dist = (runs: Run[], k: 'backMs' | 'doneMs') => distribution(runs.map((r) => r[k]));
  return {
    rows: [
      latencyRow('failover: all remotes back', n, dist(smtRuns, 'backMs'), dist(bareRuns, 'backMs'), target),
      latencyRow('failover: push applied', n, dist(smtRuns, 'doneMs'), dist(bareRuns, 'doneMs'), target),
    ],
    figures: [
      figure('failover', n, 'applies lost', sum(smtRuns, 'lost'), 'applies', {
        baseline: sum(bareRuns, 'lost'),
        targetMax: 0,
      }),
      figure('failover', n, 'applies duplicated', sum(smtRuns, 'duplicated'), 'applies', {
        baseline: sum(bareRuns, 'duplicated'),
        targetMax: 0,
      }),
    ],
  };
}
