/**
 * The push engine against real brokers and 300 in-process simulated remotes (200 of them serve DNS),
 * each with a ledger on disk: a zone reaches all 200 and is applied exactly once per remote, checked
 * against the remotes' own ledgers, also when 20 remotes are away for several pushes, when the console
 * stops mid-push and a new one takes over the database, and when the primary broker is SIGKILLed mid-push.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killBroker } from '../../lab/lab';
import { createSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { openDatabase } from '../../src-main/core/store/database';
import { PushStore, type PushRecord } from '../../src-main/core/store/push-store';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import {
  fleetZonePush,
  fleetZoneText,
  ledgerLines,
  startPushConsole,
  type PushConsole,
} from '../helpers/push-console';
import { errorText } from '../../src-shared/util/error-text';

const N = 300;
const TARGETS = 200;
/** r-0271 … r-0300 go away in the offline test; 20 of them serve DNS. */
const AWAY_FIRST = 271;
const AWAY = 30;

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let back: Simulation | undefined;
let pc: PushConsole | undefined;
let consoleProcess: ChildProcess | undefined;
/** Warnings and errors of the simulated remotes' connections, for the failure message. */
const remoteTrouble: string[] = [];
let stateDir = '';
let dbDir = '';
const timings: string[] = [];

const zonePush = fleetZonePush;
const zoneText = fleetZoneText;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const engine = () => (pc as PushConsole).engine;

const allApplied = async (pushId: string, timeoutMs = 90_000) => {
  try {
    await waitFor(
      `every target of ${pushId} applied`,
      () => engine().progress(pushId).summary.counts.applied === TARGETS,
      timeoutMs,
      50,
    );
  } catch (e) {
    // Where the stragglers are tells a lost result from a lost send or a remote that never came back.
    const counts = engine().progress(pushId).summary.counts;
    const stragglers = [...engine().deliveries(pushId)].filter(([, d]) => d.kind !== 'applied').slice(0, 3);
    const ledgers = await Promise.all(
      stragglers.map(
        async ([rid, d]) =>
          `${rid} ${d.kind} ${d.smtId}: ${JSON.stringify(await ledgerLines(stateDir, rid))}`,
      ),
    );
    const seen = new Map<string, number>();
    for (const t of remoteTrouble)
      seen.set(t.replace(/r-\d+/g, 'r-N'), (seen.get(t.replace(/r-\d+/g, 'r-N')) ?? 0) + 1);
    throw new Error(
      `${errorText(e)}; deliveries: ${JSON.stringify(counts)}; ` +
        `remotes by broker: ${JSON.stringify(sim?.byBroker())}; console: ${pc?.core.connectionStatus().state.kind}; ` +
        `remote trouble: ${JSON.stringify([...seen].slice(0, 12))}; stragglers: ${ledgers.join(' | ')}`,
    );
  }
};

/**
 * The outbox and the remotes' ledgers agree: every target applied this push's smt-id exactly once, and
 * no other message applied this version.
 */
async function expectExactlyOnce(push: PushRecord): Promise<void> {
  const deliveries = engine().deliveries(push.id);
  for (const rid of push.targets) {
    const d = deliveries.get(rid);
    expect(d, rid).toMatchObject({ kind: 'applied', sha256: sha(zoneText(push.version)) });
    const lines = (await ledgerLines(stateDir, rid)).filter(
      (l) => l.object === 'zone:fleet.test' && l.version === push.version,
    );
    expect(
      lines.map((l) => [l.id, l.state]),
      rid,
    ).toEqual([[d?.smtId, 'applied']]);
  }
}

/** A console learns the fleet from hellos: waiting on its queue at first, asked for after a restart. */
const knowsFleet = () =>
  waitFor(
    `the hello of all ${N} remotes`,
    () => pc?.core.fleet.selectable().filter((r) => r.capabilities.length > 0).length === N,
    60_000,
    100,
  );

beforeAll(async () => {
  lab = await startLab();
  stateDir = await mkdtemp(join(tmpdir(), 'smt-push-state-'));
  dbDir = await mkdtemp(join(tmpdir(), 'smt-push-db-'));
  sim = await createSimulation({
    remotes: N,
    lab: lab.opts,
    stateDir,
    statsIntervalMs: 60_000,
    presenceIntervalMs: 5_000,
    log: (e) => {
      if (e.level === 'error' || e.level === 'warn') remoteTrouble.push(`${e.msg}: ${String(e.error ?? '')}`);
    },
  });
  await sim.start();
  pc = await startPushConsole(lab.opts, join(dbDir, 'console.db'));
  await knowsFleet();
});

afterAll(async () => {
  const refusals = remoteTrouble.filter((t) => t.includes('cannot open a session')).length;
  console.log(`push-fleet: ${timings.join('; ')}; remote sessions refused by a broker: ${refusals}`);
  if (consoleProcess?.exitCode === null && consoleProcess.signalCode === null) consoleProcess.kill('SIGKILL');
  await back?.stop();
  await sim?.stop();
  await pc?.stop();
  await lab?.stop();
  await rm(stateDir, { recursive: true, force: true });
  await rm(dbDir, { recursive: true, force: true });
});

describe('push to a fleet', () => {
  it('applies a zone on all 200 DNS remotes, once each, as the ledgers show', async () => {
    const t0 = performance.now();
    const { push, unknown } = engine().push(zonePush(1));
    expect(unknown).toEqual([]);
    expect(push.targets).toHaveLength(TARGETS);
    await allApplied(push.id);
    timings.push(`200 remotes applied in ${Math.round(performance.now() - t0)} ms`);
    expect(engine().progress(push.id)).toMatchObject({ state: 'done', summary: { isComplete: true } });
    await expectExactlyOnce(push);
  });

  it('holds pushes for remotes that are away as sent, and they apply them in push order on return', async () => {
    const s = sim as Simulation;
    const away = s.remotes.slice(AWAY_FIRST - 1, AWAY_FIRST - 1 + AWAY);
    await Promise.all(away.map((r) => r.stop()));
    const awayTargets = away.filter((r) => r.host.capabilities().includes('dns')).map((r) => r.id);
    expect(awayTargets).toHaveLength(20);

    const p2 = engine().push(zonePush(2)).push;
    const p3 = engine().push(zonePush(3)).push;
    for (const p of [p2, p3]) {
      await waitFor(
        `the 180 remotes that are online to apply version ${p.version}, the 20 away to wait`,
        () => {
          const { counts, waitingForRemote } = engine().progress(p.id).summary;
          return counts.applied === TARGETS - 20 && waitingForRemote.count === 20;
        },
        60_000,
        50,
      );
      const waiting = engine().progress(p.id).summary.waitingForRemote;
      expect(awayTargets).toContain(waiting.oldest?.remote);
      expect(waiting.oldest?.ageMs).toBeGreaterThanOrEqual(0);
      for (const rid of awayTargets) expect(engine().deliveries(p.id).get(rid)?.kind).toBe('sent');
    }

    // The same remotes come back with their ledgers (a new process would do the same).
    back = await createSimulation({
      remotes: AWAY,
      first: AWAY_FIRST,
      lab: lab?.opts,
      stateDir,
      statsIntervalMs: 60_000,
      presenceIntervalMs: 5_000,
    });
    const t0 = performance.now();
    await back.start();
    await allApplied(p3.id);
    await allApplied(p2.id);
    timings.push(
      `20 returning remotes applied 2 waiting pushes ${Math.round(performance.now() - t0)} ms after start`,
    );
    await expectExactlyOnce(p2);
    await expectExactlyOnce(p3);
    for (const rid of awayTargets) {
      const versions = (await ledgerLines(stateDir, rid))
        .filter((l) => l.object === 'zone:fleet.test')
        .map((l) => l.version);
      expect(versions, rid).toEqual([1, 2, 3]);
    }
  });

  it('completes a push when the console stops mid-push and a new one opens the same database', async () => {
    const dbFile = join(dbDir, 'console.db');
    const { push } = engine().push(zonePush(4));
    // Sends are on the wire (the first batch was written in push()), no receipt has been recorded.
    await (pc as PushConsole).stop();
    pc = undefined;
    const db = openDatabase(dbFile);
    // The first console recorded no receipt: the new one must send all 200 again, under the same ids.
    expect(new PushStore(db).queued().filter((d) => d.pushId === push.id)).toHaveLength(TARGETS);
    db.close();
    const t0 = performance.now();
    pc = await startPushConsole(lab?.opts ?? {}, dbFile);
    await allApplied(push.id);
    timings.push(`restarted console finished a 200-remote push in ${Math.round(performance.now() - t0)} ms`);
    // Later pushes select from the fleet, which the new console learns again.
    await knowsFleet();
    await expectExactlyOnce(push);
  });

  it('completes a push when the console process is SIGKILLed mid-push and a console starts again', async () => {
    const dbFile = join(dbDir, 'console.db');
    await (pc as PushConsole).stop();
    pc = undefined;
    const helper = join(import.meta.dirname, '..', 'helpers', 'push-console-process.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', helper, lab?.dir ?? '', dbFile, '6', String(TARGETS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    consoleProcess = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_, sig) => resolve(sig)),
    );
    const pushId = await waitFor(
      'the console process to push',
      () => /pushed (\S+)/.exec(out)?.[1],
      90_000,
      10,
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const t0 = performance.now();
    pc = await startPushConsole(lab?.opts ?? {}, dbFile);
    await allApplied(pushId);
    timings.push(
      `after a console SIGKILL mid-push, a new console finished in ${Math.round(performance.now() - t0)} ms`,
    );
    const push = engine()
      .pushes()
      .find((p) => p.id === pushId);
    expect(push?.targets).toHaveLength(TARGETS);
    await expectExactlyOnce(push as PushRecord);
    await knowsFleet();
  });

  it('applies a push exactly once on every remote when the primary broker is SIGKILLed mid-push', async () => {
    const { push } = engine().push(zonePush(7));
    const t0 = performance.now();
    await killBroker('primary', lab?.opts);
    await waitFor(
      'the console on the secondary',
      () => pc?.core.connectionStatus().state.kind === 'connected',
      60_000,
    );
    // Applied count every 5 s: a long tail of a few remotes reads differently from a slow crawl.
    const trail: number[] = [];
    const sampler = setInterval(() => trail.push(engine().progress(push.id).summary.counts.applied), 5_000);
    try {
      await allApplied(push.id, 110_000);
    } finally {
      clearInterval(sampler);
    }
    timings.push(
      `after a primary SIGKILL mid-push, 200 applied in ${Math.round(performance.now() - t0)} ms (applied every 5 s: ${trail.join(' ')})`,
    );
    await expectExactlyOnce(push);
  }, 180_000);
});
