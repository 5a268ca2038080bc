/**
 * The push engine when remotes misbehave, against real brokers: a canary that fails validation halts the
 * rollout with the remote's reason and the held targets get nothing; an agent process that dies between
 * apply and ack gets the message again and answers it from its ledger, so the zone is applied once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../src-agent/simulate/faults';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { ledgerLines, startPushConsole, type PushConsole } from '../helpers/push-console';
import { AgentProcesses } from '../helpers/agent-process';

/** DNS-serving remotes in the simulator's model (index % 3 is 0 or 2). */
const CANARY_FLEET = ['r-0900', 'r-0902', 'r-0903', 'r-0905', 'r-0906'];
const CRASHING = 'r-0402';

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let pc: PushConsole | undefined;
let stateDir = '';
let dbDir = '';
const agents = new AgentProcesses();

const zoneText = (serial: number) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.${serial}\n`;
const payload = (serial: number) => ({ format: 'zone-text' as const, text: zoneText(serial) });
const engine = () => (pc as PushConsole).engine;

/** One simulated remote in its own process, so a crash-before-ack fault ends only that process. */
function agentProcess(faults?: string) {
  const args = ['simulate', '--remotes', '1', '--first', CRASHING.slice(2), '--lab-dir', lab?.dir ?? ''];
  args.push('--state-dir', stateDir, ...(faults ? ['--faults', faults] : []));
  return agents.start(args);
}

beforeAll(async () => {
  lab = await startLab();
  stateDir = await mkdtemp(join(tmpdir(), 'smt-push-faults-'));
  dbDir = await mkdtemp(join(tmpdir(), 'smt-push-faults-db-'));
  sim = await startSimulation({
    remotes: 7,
    first: 900,
    lab: lab.opts,
    stateDir,
    faults: parseFaults('r-0902:fail-validation'),
  });
  pc = await startPushConsole(lab.opts, join(dbDir, 'console.db'));
  await waitFor(
    'the hello of the canary fleet',
    () =>
      CANARY_FLEET.every((id) =>
        pc?.core.fleet.selectable().some((r) => r.id === id && r.capabilities.includes('dns')),
      ),
    30_000,
  );
});

afterAll(async () => {
  agents.killAll();
  await sim?.stop();
  await pc?.stop();
  await lab?.stop();
  await rm(stateDir, { recursive: true, force: true });
  await rm(dbDir, { recursive: true, force: true });
});

describe('push faults', () => {
  it('goes on past a canary that applied', async () => {
    const { push } = engine().push({
      object: { kind: 'zone', name: 'canary-ok.test' },
      payload: payload(1),
      selector: { kind: 'ids', ids: ['r-0900', 'r-0903', 'r-0905', 'r-0906'] },
      canary: 1,
      author: 'push-faults test',
    });
    await waitFor(
      'every target applied',
      () => engine().progress(push.id).summary.counts.applied === 4,
      60_000,
    );
    expect(engine().progress(push.id).state).toBe('done');
  });

  it('halts a canary rollout on a failing remote, with its reason, and sends nothing further', async () => {
    const { push } = engine().push({
      object: { kind: 'zone', name: 'canary.test' },
      payload: payload(1),
      selector: { kind: 'ids', ids: CANARY_FLEET },
      canary: 2,
      author: 'push-faults test',
    });
    const halted = await waitFor(
      'the rollout to halt',
      () => {
        const p = engine().progress(push.id);
        return p.state === 'halted' && p.summary.counts.applied === 1 ? p : undefined;
      },
      60_000,
    );
    expect(halted.haltReason).toMatch(/^canary r-0902 failed: .*simulated validation failure/);
    expect(halted.step).toMatchObject({
      kind: 'halted',
      remote: 'r-0902',
      notSent: ['r-0903', 'r-0905', 'r-0906'],
    });
    expect(halted.summary.counts).toMatchObject({ applied: 1, failed: 1, held: 3 });
    expect([...engine().deliveries(push.id).keys()]).toEqual(['r-0900', 'r-0902']);
    for (const rid of ['r-0903', 'r-0905', 'r-0906']) {
      expect((await ledgerLines(stateDir, rid)).filter((l) => l.object === 'zone:canary.test')).toEqual([]);
    }
  });

  it('applies once when the agent dies between apply and ack and comes back', async () => {
    const crashing = agentProcess('crash-before-ack');
    await crashing.connected();
    await waitFor(
      'its hello',
      () => pc?.core.fleet.selectable().some((r) => r.id === CRASHING && r.capabilities.includes('dns')),
      30_000,
    );
    const { push } = engine().push({
      object: { kind: 'zone', name: 'crash.test' },
      payload: payload(7),
      selector: { kind: 'ids', ids: [CRASHING] },
      author: 'push-faults test',
    });
    expect(await crashing.exited).toBe(70);
    // It died after its ledger entry and before any result: the outbox still says sent.
    await waitFor('sent', () => engine().deliveries(push.id).get(CRASHING)?.kind === 'sent', 30_000);

    const again = agentProcess();
    await again.connected();
    await waitFor('applied', () => engine().deliveries(push.id).get(CRASHING)?.kind === 'applied', 60_000);
    const smtId = engine().deliveries(push.id).get(CRASHING)?.smtId;
    expect((await ledgerLines(stateDir, CRASHING)).map((l) => [l.id, l.state])).toEqual([[smtId, 'applied']]);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
