/**
 * Several IPAMs in one console: two labs (two broker pairs, two PKIs) each with its own simulated fleet.
 * The second IPAM is imported from its PEM bundle into a profiles registry, then the console switches to
 * it without a restart: it sees the other fleet, and the first IPAM's brokers see its connection gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleProfilePath,
  labConsoleId,
  labConsolePassphrase,
  labConsoleSealers,
  labConsoleTls,
} from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { waitFor } from '../../src-node/smt/testing/wait';
import { ProfileRegistry } from '../../src-main/core/profiles/registry';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { brokerUrl } from '../../src-shared/broker/address';
import type { ProfileSummary } from '../../src-shared/ipc/profile-views';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { labImportForm } from '../helpers/lab-import-form';
import { StompProbe } from '../helpers/stomp-probe';

const labs: LabFixture[] = [];
const sims: Simulation[] = [];
let svc: ConsoleService | undefined;
let first: ProfileSession | undefined;
const dir = mkdtempSync(join(tmpdir(), 'smt-profiles-'));
const profilesDir = join(dir, 'profiles');
const changed: ProfileSummary[] = [];

beforeAll(async () => {
  labs.push(...(await Promise.all([startLab({ heapMb: 192 }), startLab({ heapMb: 192 })])));
  const [a, b] = labs as [LabFixture, LabFixture];
  sims.push(
    ...(await Promise.all([
      startSimulation({ remotes: 2, first: 1, lab: a.opts, statsIntervalMs: 500, presenceIntervalMs: 500 }),
      startSimulation({ remotes: 2, first: 101, lab: b.opts, statsIntervalMs: 500, presenceIntervalMs: 500 }),
    ])),
  );
  // One console start, one passphrase: lab A's. Imported profiles are sealed with it too.
  const sealers = await labConsoleSealers(a.opts);
  const open = (e: { name: string; file: string }) =>
    openProfileSession({ profileFile: e.file, name: e.name, sealers });
  first = await open({ name: 'SMT Lab', file: consoleProfilePath(a.opts) });
  svc = new ConsoleService(first, {
    actor: 'alice',
    profiles: {
      registry: new ProfileRegistry(profilesDir, [{ name: 'SMT Lab', file: first.profileFile }]),
      open,
      startPassphrase: await labConsolePassphrase(a.opts),
    },
  });
  svc.subscribe('profileChanged', (p) => void changed.push(p));
  const s = first;
  await waitFor(
    'fleet A online',
    () => ['r-0001', 'r-0002'].every((id) => s.core.fleet.get(id)?.status === 'online'),
    60_000,
  );
}, 240_000);

afterAll(async () => {
  for (const sim of sims) await sim.stop();
  await svc?.close();
  for (const lab of labs) await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

const service = () => svc as ConsoleService;
async function value<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>) {
  const res = await r;
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}

/** How many consumers lab A's brokers count on the console's result queue (the statistics plugin). */
async function resultConsumers(lab: LabFixture): Promise<number> {
  const tls = await labConsoleTls(lab.opts);
  const port = lab.brokers.find((x) => x.role === 'active')?.port ?? 0;
  const { probe } = await StompProbe.session({
    port,
    tls: { ca: tls.ca, cert: tls.cert, key: tls.key },
  });
  try {
    const replyTo = `/queue/smt.console.${labConsoleId}.probe`;
    await probe.subscribe(replyTo, 'st', { transformation: 'jms-map-json' });
    await probe.send(`/queue/ActiveMQ.Statistics.Destination.smt.console.${labConsoleId}.result`, '', {
      'reply-to': replyTo,
      'correlation-id': 'c',
    });
    const reply = await probe.waitFor((f) => f.command === 'MESSAGE' && f.headers['correlation-id'] === 'c');
    const n = /"consumerCount","\w+":(\d+)/.exec(reply.body)?.[1];
    if (n === undefined) throw new Error(`no consumerCount in ${reply.body}`);
    return Number(n);
  } finally {
    probe.close();
  }
}

describe('IPAM profiles', () => {
  it('imports the second IPAM from its PEM bundle, keys sealed at once', async () => {
    const imported = await value(
      service().handle('importProfile', [await labImportForm(labs[1] as LabFixture, 'IPAM B')]),
    );
    expect(imported).toMatchObject({ name: 'IPAM B', consoleId: labConsoleId, active: false });
    expect(imported.client?.issuer).toContain('SMT Lab CA');
    const list = await value(service().handle('listProfiles', []));
    expect(list.map((p) => [p.name, p.active])).toEqual([
      ['SMT Lab', true],
      ['IPAM B', false],
    ]);
    expect(
      service()
        .session.push.store.auditTrail()
        .map((e) => [e.action, e.subject]),
    ).toContainEqual(['profile-import', 'IPAM B']);
  });

  it('keeps the current profile when the other cannot be opened, and says why', async () => {
    const broken = join(profilesDir, 'Broken');
    await mkdir(broken);
    const profile = JSON.parse(await readFile(join(profilesDir, 'IPAM B', 'profile.json'), 'utf8')) as {
      name: string;
      tls: { keyFile: string };
    };
    await writeFile(
      join(broken, 'profile.json'),
      JSON.stringify({
        ...profile,
        name: 'Broken',
        tls: {
          ...profile.tls,
          caFile: '../IPAM B/ca.crt',
          certFile: '../IPAM B/client.crt',
          keyFile: 'gone.key.sealed',
        },
      }),
    );
    const r = await service().handle('switchProfile', [{ name: 'Broken' }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!r.ok && r.error.message).toMatch(
      /^Profile "Broken" could not be opened: .*gone\.key\.sealed does not exist.*Still using "SMT Lab"\.$/,
    );
    expect(service().session).toBe(first);
    expect(first?.core.connectionStatus().state.kind).toBe('connected');
    expect(changed).toEqual([]);
  });

  it('switches to the other IPAM without a restart: its fleet, and the first connection closed', async () => {
    expect(await resultConsumers(labs[0] as LabFixture)).toBe(1);
    const now = await value(service().handle('switchProfile', [{ name: 'IPAM B' }]));
    expect(now).toMatchObject({ name: 'IPAM B', active: true });
    expect(changed.map((p) => p.name)).toEqual(['IPAM B']);

    const ids = await waitFor(
      'fleet B online through the service',
      async () => {
        const f = await value(service().handle('getFleet', []));
        const online = f.remotes.filter((r) => r.status === 'online').map((r) => r.id);
        return online.length === 2 ? f.remotes.map((r) => r.id).sort() : undefined;
      },
      60_000,
    );
    expect(ids).toEqual(['r-0101', 'r-0102']);
    const conn = await value(service().handle('getConnection', []));
    const bPorts = (labs[1] as LabFixture).brokers.map((x) => brokerUrl({ host: '127.0.0.1', port: x.port }));
    expect(conn.brokers.map((x) => x.url)).toEqual(bPorts);

    // No leak: the first session's core is stopped and lab A's brokers no longer see the console.
    expect(first?.core.connectionStatus().state.kind).toBe('idle');
    await waitFor(
      'lab A without the console',
      async () => ((await resultConsumers(labs[0] as LabFixture)) === 0 ? true : undefined),
      30_000,
    );

    const trail = service()
      .session.push.store.auditTrail()
      .map((e) => [e.action, e.actor, e.detail]);
    expect(trail).toEqual([
      ['profile-import', 'alice', expect.objectContaining({ from: 'SMT Lab' })],
      ['profile-switch', 'alice', { from: 'SMT Lab', to: 'IPAM B' }],
    ]);
    const list = await value(service().handle('listProfiles', []));
    expect(list.filter((p) => p.active).map((p) => p.name)).toEqual(['IPAM B']);
  });
});
