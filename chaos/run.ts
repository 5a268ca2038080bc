/**
 * One chaos run (docs/reliability.md, Chaos): a private lab of real brokers, the simulated fleet in agent
 * processes with ledgers on disk, the console core in its own process, continuous pushes, and a seeded
 * schedule of SIGKILLs of the active broker, agent processes and the console, plus remotes taken
 * offline. Then every fault is healed, the fleet gets time to finish, and the outbox is checked against
 * the remotes' ledgers (audit.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { killBroker, labStatus, labUp, provision, waitForActiveBroker } from '../lab/lab';
import { remoteIdOf } from '../src-agent/simulate/simulation';
import { openDatabase, type Db } from '../src-main/core/store/database';
import { PushStore } from '../src-main/core/store/push-store';
import { objectKey } from '../src-shared/config/object-key';
import { startLab, type LabFixture } from '../tests/helpers/lab-fixture';
import { ledgerLines, type LedgerLine } from '../tests/helpers/push-console';
import { AgentGroups } from './agent-groups';
import { auditDeliveries, type PushFact } from './audit';
import { ConsoleProcess, type RemoteInspection } from './console-link';
import { planChaos, type ChaosPlan, type FaultEvent } from './plan';
import { PushSource } from './pushes';
import { seededRandom } from './random';
import { socketCensus } from './sockets';
import type { ChaosArgs, ChaosReport, Straggler } from './report';

export interface ChaosOptions extends Omit<ChaosArgs, 'json' | 'seed'> {
  seed: number;
  /** Progress lines (the seed first). */
  log: (line: string) => void;
  /** Ends the run early (Ctrl-C): it stops and cleans up what it started. */
  signal?: AbortSignal;
}

/** Stragglers described in full in the report and the failure output. */
const MAX_STRAGGLERS = 20;
const CONSOLE_START_ATTEMPTS = 5;
const STARTUP_TIMEOUT_MS = 300_000;
const BROKER_START_ATTEMPTS = 3;
const SETTLE_CAP_MS = 30 * 60_000;

/** Remote ids r-0001 … split into `agents` consecutive groups whose sizes differ by one at most. */
export function splitFleet(remotes: number, agents: number): string[][] {
  return Array.from({ length: agents }, (_, g) => {
    const from = Math.floor((g * remotes) / agents);
    const to = Math.floor(((g + 1) * remotes) / agents);
    return Array.from({ length: to - from }, (_, i) => remoteIdOf(from + i + 1));
  });
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  o.log(`chaos: seed ${o.seed}`);
  const t0 = performance.now();
  const groupsIds = splitFleet(o.remotes, o.agents);
  const durationMs = o.duration * 1000;
  const plan = planChaos(seededRandom(o.seed), {
    durationMs,
    groups: groupsIds,
    brokerKills: o.brokerKills,
    agentKills: o.agentKills,
    consoleKills: o.consoleKills,
    offlineWindows: o.offline,
  });
  o.log(
    `chaos: ${o.remotes} remotes in ${o.agents} agent processes, ${o.duration} s of pushes; planned ` +
      `${o.brokerKills} broker kills, ${o.agentKills} agent kills, ${o.consoleKills} console kills, ` +
      `${plan.offline.length} offline windows`,
  );

  let lab: LabFixture | undefined;
  let stateDir: string | undefined;
  let dbDir: string | undefined;
  let groups: AgentGroups | undefined;
  let cons: ConsoleProcess | undefined;
  let db: Db | undefined;
  try {
    lab = await startLab();
    stateDir = await mkdtemp(join(tmpdir(), 'smt-chaos-state-'));
    dbDir = await mkdtemp(join(tmpdir(), 'smt-chaos-db-'));
    const dbFile = join(dbDir, 'console.db');
    await provision(groupsIds.flat(), lab.opts);
    groups = new AgentGroups({ labDir: lab.dir, stateDir, groups: groupsIds });
    const g = groups;
    // Ten processes handshaking 200 TLS sessions at once take minutes on a loaded 2-core machine.
    const starting = groupsIds.map((ids, i) =>
      g.start(i, lifeWindows(plan, i, 0)).connected(ids.length, STARTUP_TIMEOUT_MS),
    );
    await Promise.all(starting);
    cons = new ConsoleProcess(lab.dir, dbFile, o.remotes, o.log);
    await startConsole(cons, o.log);
    o.log(`chaos: fleet and console up after ${secondsSince(t0)} s; pushing`);

    const faults = new FaultRunner(o, plan, lab, g, cons);
    const runStart = Date.now();
    const pushing = pushContinuously(o, cons, groupsIds, runStart + durationMs);
    await faults.run(runStart);
    await pushing;
    await faults.heal();

    const settleStart = performance.now();
    db = openDatabase(dbFile);
    const store = new PushStore(db);
    const settled = await settle(o, store, o.settle * 1000);
    const settleS = secondsSince(settleStart);
    const pushes = store.pushes();
    const inspected = await liveEvidence(o, lab, g, cons, settled);
    await cons.stop();
    await g.stopAll();
    const facts: PushFact[] = pushes.map((p) => ({
      id: p.id,
      object: objectKey(p.object),
      version: p.version,
      targets: p.targets,
    }));
    const deliveries = new Map(pushes.map((p) => [p.id, store.deliveries(p.id)]));
    const ledgers = new Map<string, LedgerLine[]>();
    for (const rid of groupsIds.flat()) ledgers.set(rid, await ledgerLines(stateDir, rid));
    const audit = auditDeliveries(facts, deliveries, ledgers);
    const pushStart = new Map(pushes.map((p) => [p.id, p.createdAt]));
    const stragglers = audit.problems.slice(0, MAX_STRAGGLERS).map((p): Straggler => ({
      kind: p.kind,
      remote: p.remote,
      object: p.object,
      version: p.version,
      ...(p.pushId ? { pushId: p.pushId } : {}),
      why: p.why,
      ...(p.delivery ? { delivery: { ...p.delivery } } : {}),
      history: p.pushId ? historyOf(store, p.pushId, p.remote, pushStart.get(p.pushId) ?? 0) : [],
      ledger: p.ledger.map((l) => ({ id: l.id, state: l.state, version: l.version })),
      console:
        typeof inspected === 'string'
          ? inspected
          : (inspected.find((r) => r.id === p.remote) ?? 'not inspected'),
      agent: g.evidence(g.groupOf(p.remote), p.remote),
    }));
    return {
      seed: o.seed,
      remotes: o.remotes,
      pushes: audit.pushes,
      deliveries: audit.deliveries,
      applied: audit.applied,
      superseded: audit.superseded,
      lost: audit.lost,
      duplicated: audit.duplicated,
      out_of_order: audit.outOfOrder,
      unconfirmed: audit.unconfirmed,
      faults: {
        broker_kills: faults.brokerKills,
        agent_kills: g.kills,
        console_kills: faults.consoleKills,
        offline_windows: g.offlineBegun,
      },
      settled,
      duration_s: secondsSince(t0),
      settle_s: settleS,
      stragglers,
    };
  } finally {
    db?.close();
    await cons?.kill();
    await groups?.stopAll();
    await lab?.stop();
    for (const dir of [stateDir, dbDir]) if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What only the live system can tell, taken at the end of the settle: the console's view of every remote
 * and its config queue; a queue with more consumers than its remote, named with each consumer's broker
 * connection; and, when something is wrong, a census of the active broker's sockets. Then the agents'
 * output so far is kept for the stragglers' evidence.
 */
async function liveEvidence(
  o: ChaosOptions,
  lab: LabFixture,
  g: AgentGroups,
  cons: ConsoleProcess,
  settled: boolean,
): Promise<RemoteInspection[] | string> {
  const inspected = await cons.inspect(g.remoteIds());
  if (typeof inspected === 'string') o.log(`chaos: no queue figures at the end: ${inspected}`);
  // A config queue should have one consumer, its remote's: another one holds messages from it.
  const crowded =
    typeof inspected === 'string' ? [] : inspected.filter((r) => (r.configQueue?.consumers ?? 0) > 1);
  if (crowded.length > 0) {
    const some = crowded.slice(0, 10).map((r) => {
      const who = r.consumers?.map(
        (c) => `${c.connection}#${c.consumer}${c.open ? '' : ' (connection not open)'}`,
      );
      return `${r.id}: ${r.configQueue?.size} messages, consumers ${who?.join(' ') ?? String(r.configQueue?.consumers)}`;
    });
    o.log(
      `chaos: config queues with more than one consumer at the end: ${crowded.length} (${some.join('; ')})`,
    );
  }
  if (!settled || crowded.length > 0 || typeof inspected === 'string') {
    const active = (await labStatus(lab.opts)).find((b) => b.role === 'active');
    const owners = g.pids();
    if (cons.pid !== undefined) owners.set(cons.pid, 'console');
    if (active) o.log(`chaos: ${await socketCensus(active.port, owners)}`);
  }
  g.snapshot();
  return inspected;
}

const secondsSince = (t: number) => Math.round((performance.now() - t) / 100) / 10;

const lifeWindows = (plan: ChaosPlan, group: number, life: number) =>
  plan.offline.filter((w) => w.group === group && w.life === life);

/** The delivery's transitions: "+<ms after the push> <event> <from>→<to>". */
function historyOf(store: PushStore, pushId: string, remote: string, pushedAt: number): string[] {
  return store
    .events(pushId)
    .filter((e) => e.remoteId === remote)
    .map((e) => {
      const ev = e.event as { type?: string; state?: string };
      const what = ev.type === 'result' ? `result ${ev.state ?? '?'}` : (ev.type ?? '?');
      return `+${e.at - pushedAt} ms ${what} ${e.from ?? '∅'}→${e.to}`;
    });
}

/** One push every `pushEvery` ms on average (seeded jitter) while the console is up, until `until`. */
async function pushContinuously(
  o: ChaosOptions,
  cons: ConsoleProcess,
  groupsIds: string[][],
  until: number,
): Promise<void> {
  // Its own stream, so the pushes' choices do not shift the fault schedule.
  const rnd = seededRandom(o.seed ^ 0x9e3779b9);
  const source = new PushSource(
    rnd,
    groupsIds.flat().map((id) => ({ id, index: Number(id.slice(2)) })),
  );
  while (Date.now() < until) {
    if (cons.ready) cons.push(source.next());
    await delay(Math.round(o.pushEvery * (0.5 + rnd.next())), undefined, { signal: o.signal });
  }
}

/**
 * Waits until every delivery in the outbox is done; gives up once none has finished for `stallMs` (a
 * loaded machine is slow, a stuck delivery never moves), or after SETTLE_CAP_MS in all. Says how far it got.
 */
async function settle(o: ChaosOptions, store: PushStore, stallMs: number): Promise<boolean> {
  const started = Date.now();
  let lastSaid = 0;
  let best = Infinity;
  let movedAt = Date.now();
  for (;;) {
    const pushes = store.pushes();
    const undone = pushes.reduce((n, p) => n + store.undone(p.id), 0);
    if (undone === 0) return true;
    if (undone < best) {
      best = undone;
      movedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs || Date.now() - started > SETTLE_CAP_MS) {
      o.log(
        `chaos: ${undone} deliveries not done, none finished in the last ${Math.round((Date.now() - movedAt) / 1000)} s`,
      );
      return false;
    }
    if (Date.now() - lastSaid > 10_000) {
      o.log(`chaos: settling, ${undone} deliveries of ${pushes.length} pushes not done yet`);
      lastSaid = Date.now();
    }
    await delay(1000, undefined, { signal: o.signal });
  }
}

/** Executes the plan's events at their times, and heals what is left at the end. */
class FaultRunner {
  brokerKills = 0;
  consoleKills = 0;
  private consoleStarting: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: ChaosOptions,
    private readonly plan: ChaosPlan,
    private readonly lab: LabFixture,
    private readonly groups: AgentGroups,
    private readonly cons: ConsoleProcess,
  ) {}

  /**
   * Each lane (the brokers, the console, each agent process) runs its events in order at their times,
   * and the lanes run side by side: a slow broker restart on a loaded machine does not hold back the
   * agent kills planned meanwhile.
   */
  async run(start: number): Promise<void> {
    const lanes = new Map<string, FaultEvent[]>();
    for (const e of this.plan.events) {
      const lane = 'group' in e ? `agents ${e.group}` : e.kind.replace(/^(kill|restart)-/, '');
      lanes.set(lane, [...(lanes.get(lane) ?? []), e]);
    }
    await Promise.all(
      [...lanes.values()].map(async (events) => {
        for (const e of events) {
          const wait = start + e.at - Date.now();
          if (wait > 0) await delay(wait, undefined, { signal: this.o.signal });
          await this.execute(e);
          this.o.log(`chaos: +${Math.round((Date.now() - start) / 1000)} s ${describe(e)}`);
        }
      }),
    );
  }

  /** Every broker, agent process and the console running again. */
  async heal(): Promise<void> {
    await this.consoleStarting;
    await this.brokersUp();
    for (let g = 0; g < this.groups.size; g++) {
      if (!this.groups.running(g)) this.groups.start(g, lifeWindows(this.plan, g, this.groups.starts(g)));
    }
    if (!this.cons.ready) await this.startConsole();
  }

  private async execute(e: FaultEvent): Promise<void> {
    switch (e.kind) {
      case 'kill-broker': {
        // The active one: after earlier kills that may be the secondary.
        const active = await waitForActiveBroker({ ...this.lab.opts, timeoutMs: 120_000 });
        await killBroker(active.name, this.lab.opts);
        this.brokerKills++;
        return;
      }
      case 'restart-broker':
        await this.brokersUp();
        return;
      case 'kill-agents':
        await this.groups.kill(e.group);
        return;
      case 'restart-agents':
        this.groups.start(e.group, lifeWindows(this.plan, e.group, this.groups.starts(e.group)));
        return;
      case 'kill-console':
        // A console still starting from the last kill is let finish, so this kill hits a working one.
        await this.consoleStarting;
        await this.cons.kill();
        this.consoleKills++;
        return;
      case 'restart-console':
        this.consoleStarting = this.startConsole();
        // Awaited at the next console kill or the heal; until then a failure must not go unhandled.
        this.consoleStarting.catch(() => undefined);
        return;
    }
  }

  /**
   * Starts what is down; on a loaded machine a broker may take longer than labUp waits (90 s) to accept
   * TLS while the whole fleet reconnects to it, so it is waited for again before the run gives up.
   */
  private async brokersUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await labUp(this.lab.opts);
        return;
      } catch (e) {
        if (attempt >= BROKER_START_ATTEMPTS) throw e;
        this.o.log(`chaos: brokers not up yet (${String(e).split('\n')[0]}); waiting again`);
      }
    }
  }

  private startConsole(): Promise<void> {
    return startConsole(this.cons, this.o.log);
  }
}

/**
 * A console that cannot connect or hear the fleet in time (a failover under way on a loaded machine)
 * exits; it is started again, a few times, before the run gives up.
 */
async function startConsole(cons: ConsoleProcess, log: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await cons.start(STARTUP_TIMEOUT_MS + 60_000);
      return;
    } catch (e) {
      if (attempt >= CONSOLE_START_ATTEMPTS) throw e;
      log(`chaos: console start ${attempt} failed, again: ${String(e)}`);
      await cons.kill();
    }
  }
}

function describe(e: FaultEvent): string {
  return 'group' in e ? `${e.kind} ${e.group}` : e.kind;
}
