/**
 * Bad frames published by a real provisioned remote through the real brokers are each dropped, counted
 * with the right reason against that remote and logged once, while the good traffic from it and from
 * the rest of the fleet is still processed and the console's session is never disturbed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers, remoteIdentity } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleCore } from '../../src-main/core/console-core';
import type { ConnectionStatus } from '../../src-shared/ipc/views';
import { destinations, makeEnvelope, type Body } from '../../src-shared/protocol';
import type { LogEntry } from '../../src-node/log';
import { SmtConnection, publish } from '../../src-node/smt';
import { waitFor } from '../../src-node/smt/testing/wait';
import { loadTlsMaterial } from '../../src-node/tls';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const BAD = 'r-0303';
let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;
let bad: SmtConnection | undefined;
const logs: LogEntry[] = [];
const connectionEvents: ConnectionStatus[] = [];

const stats = (seq: number): Body<'stats'> => ({
  seq,
  localTime: new Date().toISOString(),
  uptimeS: 1000 + seq,
  load: [0.5, 0.4, 0.3],
  cpuPct: 12,
  mem: { usedBytes: 1e9, totalBytes: 4e9 },
  disk: { usedBytes: 1e10, totalBytes: 6e10 },
  processes: [{ name: 'named', running: true, pid: 321, uptimeS: 999 }],
});

beforeAll(async () => {
  lab = await startLab();
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    log: (e) => void logs.push(e),
    sealers: await labConsoleSealers(lab.opts),
  });
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
  core.subscribe('connectionChanged', (s) => void connectionEvents.push(s));
  sim = await startSimulation({
    remotes: 2,
    first: 301,
    statsIntervalMs: 500,
    presenceIntervalMs: 500,
    lab: lab.opts,
  });
  const identity = await remoteIdentity(BAD, { ...lab.opts, provision: true });
  bad = new SmtConnection({ name: BAD, brokers: identity.brokers, tls: await loadTlsMaterial(identity.tls) });
  bad.start();
  await waitFor('the misbehaving remote to connect', () => bad?.state.kind === 'connected', 30_000);
});

afterAll(async () => {
  await bad?.stop();
  await sim?.stop();
  await core?.stop();
  await lab?.stop();
});

describe('inbound guard on real traffic', () => {
  it('drops, counts and logs each bad frame, and keeps processing the good ones', async () => {
    const c = core as ConsoleCore;
    const conn = bad as SmtConnection;
    const good = ['r-0301', 'r-0302'];
    await waitFor(
      'stats from the good remotes',
      () => good.every((id) => c.fleet.statsSeq(id) !== null),
      30_000,
    );
    const seqBefore = new Map(good.map((id) => [id, c.fleet.statsSeq(id) ?? 0]));

    const topic = destinations.remoteTopic(BAD, 'stats');
    const json = { 'content-type': 'application/json' };
    const valid = makeEnvelope('stats', BAD, stats(1));
    const frames: [destination: string, body: string][] = [
      [topic, 'not json \u0000 at all {'],
      [topic, JSON.stringify({ ...valid, body: { ...valid.body, cpuPct: 400 } })],
      [topic, JSON.stringify({ ...valid, type: 'gossip' })],
      [topic, JSON.stringify({ ...valid, pad: 'x'.repeat(1_500_000) })],
      [topic, JSON.stringify(makeEnvelope('stats', 'r-0301', stats(2)))],
      [destinations.inventory(), JSON.stringify({ ...valid, type: 'hello', body: { agent: 'none' } })],
    ];
    for (const [destination, body] of frames) await conn.send(destination, json, body, { receipt: true });
    await publish(conn, topic, makeEnvelope('stats', BAD, stats(42)), { receipt: true });

    await waitFor('every bad frame counted', () => c.rejects().total === frames.length, 30_000);
    expect(c.rejects()).toEqual({
      total: 6,
      byReason: { 'not-json': 1, schema: 2, 'unknown-type': 1, oversized: 1, 'identity-mismatch': 1 },
      byRemote: { [BAD]: 6 },
    });

    // Logged once per (remote, reason), with the remote id.
    const dropped = logs.filter((l) => l.msg.includes('dropped a frame'));
    expect(dropped.map((l) => `${String(l.remote)}:${String(l.reason)}`).sort()).toEqual([
      `${BAD}:identity-mismatch`,
      `${BAD}:not-json`,
      `${BAD}:oversized`,
      `${BAD}:schema`,
      `${BAD}:unknown-type`,
    ]);

    // The good frame of the misbehaving remote counts, the impersonated remote was not touched by it,
    // and the rest of the fleet kept flowing.
    await waitFor(`${BAD}'s good stats`, () => c.fleet.statsSeq(BAD) === 42, 30_000);
    await waitFor(
      'fresh stats from the good remotes',
      () => good.every((id) => (c.fleet.statsSeq(id) ?? 0) > (seqBefore.get(id) ?? 0) + 1),
      30_000,
    );
    expect(c.fleet.get('r-0301')?.uptimeS).not.toBe(1002);
    expect(conn.state.kind).toBe('connected');
    expect(connectionEvents).toEqual([]);
  });
});
