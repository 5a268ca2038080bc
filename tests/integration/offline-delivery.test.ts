/**
 * A persistent config message sent to a remote that is not connected waits in its queue and is delivered
 * (and answered 'applied') when the remote starts, and its effect happens once even when the remote
 * goes away again before its acknowledgement reached the broker. Real brokers over mutual TLS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers, remoteIdentity } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleCore } from '../../src-main/core/console-core';
import type { Body, Envelope } from '../../src-shared/protocol';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';

const RID = 'r-0101';
let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;
let stateDir = '';
const results: Envelope<'result'>[] = [];

const zone = (version: number): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'zone', name: 'example.test' },
  version,
  op: 'upsert',
  payload: {
    format: 'zone-text',
    text: `$TTL 300\n@ IN SOA ns1 hostmaster ${version} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n`,
  },
});

beforeAll(async () => {
  lab = await startLab();
  // The remote's ledger outlives the simulator process, as a real agent's state dir does.
  stateDir = await mkdtemp(join(tmpdir(), 'smt-offline-'));
  // Provisioned (certificate and allowlist) but not started: the remote is offline.
  await remoteIdentity(RID, { ...lab.opts, provision: true });
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    sealers: await labConsoleSealers(lab.opts),
  });
  core.onResult((r) => void results.push(r));
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
});

afterAll(async () => {
  await sim?.stop();
  await core?.stop();
  await lab?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const resultsFor = (ref: string) => results.filter((r) => r.body.ref === ref);
/** Results of an apply that happened, not answers from the ledger to a message seen before. */
const appliedNow = (ref: string) =>
  resultsFor(ref).filter(
    (r) => r.body.state === 'applied' && !/answered from the ledger/.test(r.body.reason ?? ''),
  );

describe('offline delivery', () => {
  it('delivers a config queued while the remote was away, once, when it connects', async () => {
    const c = core as ConsoleCore;
    const sent = await c.sendConfig(RID, zone(1));
    expect(c.fleet.get(RID)).toBeUndefined();
    expect(results).toHaveLength(0);

    sim = await startSimulation({ remotes: 1, first: 101, lab: lab?.opts, stateDir });
    const [applied] = await waitFor(
      'the applied result',
      () => appliedNow(sent.id).length > 0 && appliedNow(sent.id),
      30_000,
    );
    expect(applied?.from).toBe(RID);
    expect(applied?.body).toMatchObject({
      ref: sent.id,
      pushId: sent.body.pushId,
      state: 'applied',
      object: { kind: 'zone', name: 'example.test' },
      version: 1,
    });

    // Restart the remote as soon as it has applied, perhaps before its ack reached the broker: a message
    // it had not acknowledged comes back now, before the marker sent after the restart (one queue, one
    // consumer, FIFO), and must be answered from the ledger, not applied again.
    await sim.stop();
    sim = await startSimulation({ remotes: 1, first: 101, lab: lab?.opts, stateDir });
    const marker = await c.sendConfig(RID, zone(2));
    await waitFor('the marker result', () => appliedNow(marker.id).length > 0, 30_000);
    expect(appliedNow(sent.id)).toHaveLength(1);
    expect(resultsFor(sent.id).filter((r) => r.body.state === 'delivered').length).toBeLessThanOrEqual(1);
    expect(appliedNow(marker.id)).toHaveLength(1);
    expect(c.rejects().total).toBe(0);
  });
});
