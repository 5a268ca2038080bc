/**
 * The browser host runs a push engine on the profile's database: a push written while no console was
 * connected, to remotes that are offline and known only from the console's memory of its fleet, is sent
 * by the host when it starts and applied, once, when the remotes come back. Real brokers over mutual TLS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleCore } from '../../src-main/core/console-core';
import { attachPushEngine } from '../../src-main/core/push/attach';
import { defaultDatabaseFile } from '../../src-main/core/store/default-database';
import { startConsoleHost, type ConsoleHost } from '../../src-main/host/console-host';
import { silentLog } from '../../src-node/log';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { fleetZonePush, ledgerLines, startPushConsole } from '../helpers/push-console';

/** Both serve DNS: the simulator's roles go dns, dhcp, ddi by remote number (r-0961 is DHCP only). */
const REMOTES = ['r-0962', 'r-0963'];
let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let host: ConsoleHost | undefined;
let dir = '';

const simulate = () =>
  startSimulation({ remotes: REMOTES.length, first: 962, lab: lab?.opts, stateDir: join(dir, 'state') });

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-host-push-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>\n');
}, 120_000);

afterAll(async () => {
  await host?.close();
  await sim?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('browser host', () => {
  it('sends a push queued while no console was connected and sees it applied', async () => {
    if (!lab) throw new Error('the lab did not start');
    const profileFile = consoleProfilePath(lab.opts);
    const dbFile = defaultDatabaseFile(profileFile);
    const sealers = await labConsoleSealers(lab.opts);

    // An earlier session met the fleet; then the remotes went away.
    const earlier = await startPushConsole(lab.opts, dbFile);
    sim = await simulate();
    await waitFor(
      'the fleet to say hello',
      () => REMOTES.every((id) => earlier.core.fleet.get(id)?.hostname),
      60_000,
      100,
    );
    await earlier.stop();
    await sim.stop();
    sim = undefined;

    // No broker session: the remotes are known from memory alone, and the push stays queued.
    const offline = await ConsoleCore.fromProfileFile(profileFile, { sealers });
    const queued = attachPushEngine(offline, dbFile);
    expect([...queued.fleet.remembered].sort()).toEqual(REMOTES);
    const { push } = queued.engine.push({ ...fleetZonePush(1), selector: { kind: 'ids', ids: REMOTES } });
    await queued.engine.idle();
    expect(queued.store.queued().map((d) => d.remoteId)).toEqual(REMOTES);
    queued.close();

    host = await startConsoleHost({
      profileFile,
      sealers,
      staticDir: dir,
      log: silentLog,
      hostLog: () => undefined,
    });
    const engine = host.session.push.engine;
    await waitFor(
      'the host to send the queued push',
      () => engine.progress(push.id).summary.counts.sent === REMOTES.length,
      60_000,
      100,
    );
    sim = await simulate();
    await waitFor('every remote to apply it', () => engine.progress(push.id).summary.isComplete, 90_000, 200);
    expect([...engine.deliveries(push.id).values()].map((d) => d.kind)).toEqual(['applied', 'applied']);
    for (const id of REMOTES) {
      const lines = await ledgerLines(join(dir, 'state'), id);
      expect(lines.filter((l) => l.state === 'applied').map((l) => l.version)).toEqual([1]);
    }
  }, 300_000);
});
