/**
 * Exactly-once effect over at-least-once delivery, with the agent as a real process: an agent that dies
 * after applying a config and before acknowledging it gets the message again when it comes back and
 * answers it from its ledger without applying it again; a resent message (same smt-id) is answered from
 * the ledger; an older version than the applied one is superseded. Real brokers over mutual TLS.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinations, type Body } from '../../src-shared/protocol';
import { parseFaults } from '../../src-agent/simulate/faults';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { waitFor } from '../../src-node/smt/testing/wait';
import { ConsoleProbe } from '../helpers/console-probe';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { AgentProcesses, type AgentProcess } from '../helpers/agent-process';

/** r-0401 is a DDI remote in the simulator's model: it serves DNS and DHCP. */
const RID = 'r-0401';
let lab: LabFixture | undefined;
let probe: ConsoleProbe | undefined;
let stateDir = '';
let sim: Simulation | undefined;
const agents = new AgentProcesses();

function agent(faults?: string): AgentProcess {
  const args = ['simulate', '--remotes', '1', '--first', '401', '--lab-dir', lab?.dir ?? ''];
  args.push('--state-dir', stateDir, ...(faults ? ['--faults', faults] : []));
  return agents.start(args);
}

const zoneText = (serial: number) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.${serial}\n`;

const zone = (version: number): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'zone', name: 'redelivery.test' },
  version,
  op: 'upsert',
  payload: { format: 'zone-text', text: zoneText(version) },
});

const ledgerIds = async () =>
  (await readFile(join(stateDir, RID, 'ledger.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);

beforeAll(async () => {
  lab = await startLab();
  stateDir = await mkdtemp(join(tmpdir(), 'smt-agent-state-'));
  probe = await ConsoleProbe.start(lab.opts);
});

afterAll(async () => {
  agents.killAll();
  await sim?.stop();
  await probe?.stop();
  await lab?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('agent redelivery', () => {
  it('applies a config once when the agent dies between apply and ack and gets it again', async () => {
    const c = probe as ConsoleProbe;
    const crashing = agent('crash-before-ack');
    await crashing.connected();
    const env = await c.config(RID, zone(1));
    expect(await crashing.exited).toBe(70);
    expect(crashing.output()).toContain('crash-before-ack fault');
    // It died between its ledger entry and its result: an apply that quick reports nothing before its
    // final result ('delivered' goes out only for a slow one).
    expect(await ledgerIds()).toEqual([env.id]);

    const back = agent();
    await back.connected();
    const applied = await c.waitResult(env.id, 'applied');
    expect(applied.reason).toMatch(/answered from the ledger/);
    expect(applied.sha256).toBe(createHash('sha256').update(zoneText(1)).digest('hex'));
    // Applied once: one ledger line, one result, and what is served is version 1.
    expect(await ledgerIds()).toEqual([env.id]);
    expect(c.resultsFor(env.id).map((r) => r.state)).toEqual(['applied']);
    const served = await c.query(RID, { query: 'zone', name: 'redelivery.test' });
    expect(served).toEqual({ ok: true, data: { name: 'redelivery.test', text: zoneText(1) } });

    // The console resends the same message (same smt-id), e.g. after it restarted before the receipt.
    await c.config(RID, env);
    await waitFor(
      'the second applied',
      () => c.resultsFor(env.id).filter((r) => r.state === 'applied').length === 2,
    );
    expect(c.resultsFor(env.id).map((r) => r.state)).toEqual(['applied', 'applied']);
    expect(await ledgerIds()).toEqual([env.id]);

    // Version 3, then a late version 2: the older one is superseded and not applied.
    const v3 = await c.config(RID, zone(3));
    await c.waitResult(v3.id, 'applied');
    const v2 = await c.config(RID, zone(2));
    const superseded = await c.waitResult(v2.id, ['superseded', 'applied', 'failed']);
    expect(superseded.state).toBe('superseded');
    expect(superseded.reason).toMatch(/older than version 3/);
    expect(c.resultsFor(v2.id).map((r) => r.state)).toEqual(['superseded']);
    const lookup = await c.query(RID, { query: 'lookup', name: 'www.redelivery.test', rrtype: 'A' });
    expect(lookup).toMatchObject({ ok: true, data: { answers: ['192.0.2.3'] } });
    expect(c.guard.counters().total).toBe(0);

    // A frame that does not validate is answered 'failed' with the reason, and the agent keeps serving.
    const badId = crypto.randomUUID();
    const bad = {
      v: 1,
      id: badId,
      type: 'config',
      from: c.consoleId,
      ts: Date.now(),
      body: { ...zone(9), version: 0 },
    };
    await c.conn.send(
      destinations.remoteQueue(RID, 'config'),
      { 'content-type': 'application/json', persistent: 'true', 'smt-type': 'config', 'smt-id': badId },
      JSON.stringify(bad),
      { receipt: true },
    );
    const refused = await c.waitResult(badId, 'failed');
    expect(refused.reason).toMatch(/refused the config message \(schema\): .*version/s);
    expect(await c.query(RID, { query: 'ping' })).toMatchObject({ ok: true });

    back.child.kill('SIGTERM');
    expect(await back.exited).toBe(0);
  });

  it('obeys the fault switches: slow apply, failing validation, offline and back', async () => {
    const c = probe as ConsoleProbe;
    sim = await startSimulation({
      remotes: 3,
      first: 404,
      lab: lab?.opts,
      faults: parseFaults('r-0404:slow=800,r-0405:fail-validation,r-0406:offline=3000/2000'),
    });
    const slowSent = Date.now();
    const slow = await c.config('r-0404', zone(1));
    const failing = await c.config('r-0405', zone(1));
    expect((await c.waitResult(failing.id, ['applied', 'failed'])).reason).toMatch(
      /simulated validation failure/,
    );
    expect((await c.waitResult(slow.id, ['applied', 'failed'])).state).toBe('applied');
    expect(Date.now() - slowSent).toBeGreaterThanOrEqual(800);

    const offline = sim.get('r-0406');
    await waitFor('r-0406 to drop', () => offline?.conn.state.kind !== 'connected', 10_000);
    // r-0406 is a DHCP-only remote in the simulator's model.
    const whileAway = await c.config('r-0406', {
      pushId: crypto.randomUUID(),
      object: { kind: 'scope', subnet: '198.51.100.0/24' },
      version: 1,
      op: 'upsert',
      payload: {
        format: 'kea-subnet4',
        scope: { subnet: '198.51.100.0/24', id: 7, pools: [], options: [], reservations: [] },
      },
    });
    // Nobody consumes it while the remote is away; it is applied when the remote is back.
    expect(c.resultsFor(whileAway.id)).toEqual([]);
    await waitFor('r-0406 to come back', () => offline?.conn.state.kind === 'connected', 15_000);
    expect((await c.waitResult(whileAway.id, ['applied', 'failed'])).state).toBe('applied');
  });
});
