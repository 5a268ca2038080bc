/**
 * Cancel and deadlines against real brokers, checked against the remotes' own ledgers: a cancelled push
 * is taken back out of the queues of remotes that are away, so they never apply it on return; a remote
 * that already applied keeps it; a remote that holds the message (dispatched, not yet applied) is told
 * apart and applies it; a push whose deadline passes while its remotes are away is withdrawn the same way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../src-agent/simulate/faults';
import { createSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { ledgerLines, startPushConsole, type PushConsole } from '../helpers/push-console';

/** r-0001 … r-0006 stay online, r-0007 … r-0012 go away, r-0014 applies slowly. DNS: index % 3 !== 1. */
const ONLINE = ['r-0002', 'r-0003', 'r-0005', 'r-0006'];
const AWAY = ['r-0008', 'r-0009', 'r-0011', 'r-0012'];
const SLOW = 'r-0014';
const SLOW_APPLY_MS = 4_000;

let lab: LabFixture | undefined;
let online: Simulation | undefined;
let away: Simulation | undefined;
let slow: Simulation | undefined;
let pc: PushConsole | undefined;
let stateDir = '';
let dbDir = '';
const figures: string[] = [];

const engine = () => (pc as PushConsole).engine;
const zoneText = (v: number) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${v} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n`;
const zonePush = (name: string, version: number, ids: string[], expiresAt?: number) => ({
  object: { kind: 'zone' as const, name },
  version,
  payload: { format: 'zone-text' as const, text: zoneText(version) },
  selector: { kind: 'ids' as const, ids },
  author: 'cancel test',
  ...(expiresAt === undefined ? {} : { expiresAt }),
});
const kinds = (pushId: string, ids: string[]) => {
  const d = engine().deliveries(pushId);
  return ids.map((r) => d.get(r)?.kind);
};
const statesOf = (pushId: string, ids: string[], kind: string) =>
  waitFor(
    `${ids.join(', ')} ${kind} for push ${pushId}`,
    () => kinds(pushId, ids).every((k) => k === kind),
    60_000,
    50,
  );
/** The versions of a zone a remote applied, in ledger order. */
const applied = async (rid: string, zone: string) =>
  (await ledgerLines(stateDir, rid))
    .filter((l) => l.object === `zone:${zone}` && l.state === 'applied')
    .map((l) => l.version);

/** The away remotes, back with their ledgers; stopped again by the caller. */
async function bringBack(): Promise<Simulation> {
  const sim = await createSimulation({
    remotes: 6,
    first: 7,
    lab: lab?.opts,
    stateDir,
    statsIntervalMs: 60_000,
    presenceIntervalMs: 5_000,
  });
  await sim.start();
  return sim;
}

beforeAll(async () => {
  lab = await startLab();
  stateDir = await mkdtemp(join(tmpdir(), 'smt-cancel-state-'));
  dbDir = await mkdtemp(join(tmpdir(), 'smt-cancel-db-'));
  const sim = (first: number, remotes: number, faults = '') =>
    createSimulation({
      remotes,
      first,
      lab: lab?.opts,
      stateDir,
      statsIntervalMs: 60_000,
      presenceIntervalMs: 5_000,
      faults: parseFaults(faults),
    });
  online = await sim(1, 6);
  away = await sim(7, 6);
  slow = await sim(14, 1, `${SLOW}:slow=${SLOW_APPLY_MS}`);
  await Promise.all([online.start(), away.start(), slow.start()]);
  pc = await startPushConsole(lab.opts, join(dbDir, 'console.db'));
  // The console must know the away remotes (their hello) to target them by id.
  await waitFor(
    'the hello of every remote',
    () => pc?.core.fleet.selectable().filter((r) => r.capabilities.length > 0).length === 13,
    60_000,
    100,
  );
  await away.stop();
  away = undefined;
}, 180_000);

afterAll(async () => {
  console.log(`push-cancel: ${figures.join('; ')}`);
  await away?.stop();
  await slow?.stop();
  await online?.stop();
  await pc?.stop();
  await lab?.stop();
  await rm(stateDir, { recursive: true, force: true });
  await rm(dbDir, { recursive: true, force: true });
});

describe('cancel', () => {
  it('withdraws a push from the queues of remotes that are away; those that applied keep it', async () => {
    const { push } = engine().push(zonePush('cancel.test', 1, [...ONLINE, ...AWAY]));
    await statesOf(push.id, ONLINE, 'applied');
    await statesOf(push.id, AWAY, 'sent');

    const t0 = performance.now();
    expect(await engine().cancel(push.id, 'cancel test')).toEqual({
      cancelled: AWAY.length,
      withRemote: 0,
      unreachable: 0,
    });
    figures.push(
      `cancel withdrew ${AWAY.length} waiting messages in ${Math.round(performance.now() - t0)} ms`,
    );
    expect(kinds(push.id, ONLINE)).toEqual(ONLINE.map(() => 'applied'));
    expect(kinds(push.id, AWAY)).toEqual(AWAY.map(() => 'cancelled'));
    expect(engine().progress(push.id).state).toBe('cancelled');

    away = await bringBack();
    // Queues are in order: once a later push applied, nothing older is left to come.
    const { push: later } = engine().push(zonePush('cancel.test', 2, AWAY));
    await statesOf(later.id, AWAY, 'applied');
    for (const rid of AWAY) expect(await applied(rid, 'cancel.test'), rid).toEqual([2]);
    for (const rid of ONLINE) expect(await applied(rid, 'cancel.test'), rid).toEqual([1]);
    expect(kinds(push.id, AWAY)).toEqual(AWAY.map(() => 'cancelled'));
    await away.stop();
    away = undefined;
  }, 120_000);

  it('tells a message the remote already holds from one still in the broker: the remote applies it', async () => {
    const first = engine().push(zonePush('slow.test', 1, [SLOW])).push;
    await statesOf(first.id, [SLOW], 'delivered');
    // The remote applies one config at a time: this one is dispatched to it and waits behind the first.
    const second = engine().push(zonePush('slow.test', 2, [SLOW])).push;
    await statesOf(second.id, [SLOW], 'sent');
    const t0 = performance.now();
    expect(await engine().cancel(second.id, 'cancel test')).toEqual({
      cancelled: 0,
      withRemote: 1,
      unreachable: 0,
    });
    figures.push(`a withdrawal that found nothing took ${Math.round(performance.now() - t0)} ms`);
    await statesOf(second.id, [SLOW], 'applied');
    expect(await applied(SLOW, 'slow.test')).toEqual([1, 2]);
  }, 60_000);
});

describe('deadline', () => {
  it('withdraws a push whose deadline passes while its remotes are away: they never apply it', async () => {
    const expiresAt = Date.now() + 2_500;
    const { push } = engine().push(zonePush('cancel.test', 3, AWAY, expiresAt));
    await statesOf(push.id, AWAY, 'sent');
    await statesOf(push.id, AWAY, 'expired');
    figures.push(`expired ${Date.now() - expiresAt} ms after the deadline`);
    expect(engine().progress(push.id)).toMatchObject({ state: 'done', summary: { isComplete: true } });

    away = await bringBack();
    const { push: later } = engine().push(zonePush('cancel.test', 4, AWAY));
    await statesOf(later.id, AWAY, 'applied');
    for (const rid of AWAY) expect(await applied(rid, 'cancel.test'), rid).toEqual([2, 4]);
    expect(kinds(push.id, AWAY)).toEqual(AWAY.map(() => 'expired'));
  }, 120_000);
});
