/**
 * Secrets at rest (docs/security.md): a real console — profiles imported from PEM and from a PKCS#12 bundle
 * with its passphrase, a session that pushes a zone to simulated remotes over the lab brokers, a switch to
 * the second profile — leaves no private key, no passphrase and no signing key in clear in any file it
 * wrote: profiles, SQLite databases with their WAL, logs. The scan is shown to find each secret planted.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionConsole } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ProfileRegistry } from '../../src-main/core/profiles/registry';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { openProfileSession } from '../../src-main/core/service/profile-session';
import { lineLog } from '../../src-node/log';
import { passphraseSealer } from '../../src-node/secrets';
import { waitFor } from '../../src-node/smt/testing/wait';
import { pkcs12Of } from '../../src-node/testing/issued-cert';
import type { ProfileImportForm } from '../../src-shared/ipc/profile-views';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { labImportForm } from '../helpers/lab-import-form';
import { fleetZonePush } from '../helpers/push-console';
import {
  findSecrets,
  keyNeedles,
  passphraseNeedles,
  pemMarker,
  scannedFiles,
  type Needle,
} from '../helpers/secret-scan';

let lab: LabFixture;
let sim: Simulation | undefined;
let service: ConsoleService | undefined;
let dir = '';
/** Everything the console writes: its profiles (each with its database) and its log. */
let consoleDirs: string[] = [];
const needles: Needle[] = [];

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-secrets-'));
  const profilesDir = join(dir, 'profiles');
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  consoleDirs = [profilesDir, logDir];
  const logFile = join(logDir, 'console.log');
  const log = lineLog((line) => appendFileSync(logFile, `${line}\n`), 'debug');

  // The admin's secrets: the start passphrase, the PEM keys of IPAM A, a PKCS#12 bundle and its passphrase.
  const startPassphrase = randomBytes(18).toString('base64url');
  const sealer = passphraseSealer(startPassphrase);
  const pemForm = await labImportForm(lab, 'IPAM A');
  if (pemForm.client.format !== 'pem' || !pemForm.signing)
    throw new Error('the lab form is PEM with a signer');
  const p12Files = await provisionConsole('console-p12', lab.opts);
  const p12Passphrase = randomBytes(18).toString('base64url');
  const p12 = await pkcs12Of(p12Files, { certFile: p12Files.caFile, keyFile: '' }, p12Passphrase);
  const p12Form: ProfileImportForm = {
    ...pemForm,
    name: 'IPAM B',
    client: { format: 'pkcs12', data: p12.toString('base64'), passphrase: p12Passphrase },
  };
  needles.push(
    pemMarker,
    ...keyNeedles('console TLS key', pemForm.client.key),
    ...keyNeedles('config signing key', pemForm.signing.key),
    ...keyNeedles('PKCS#12 key', await readFile(p12Files.keyFile, 'utf8')),
    ...passphraseNeedles('start passphrase', startPassphrase),
    ...passphraseNeedles('PKCS#12 passphrase', p12Passphrase),
    { name: 'PKCS#12 bundle', bytes: p12 },
    { name: 'PKCS#12 bundle, base64', bytes: Buffer.from(p12.toString('base64').slice(0, 64)) },
  );

  const registry = new ProfileRegistry(profilesDir, []);
  const first = await registry.importBundle(pemForm, sealer);
  const open = (e: { name: string; file: string }) =>
    openProfileSession({ profileFile: e.file, name: e.name, sealers: [sealer], log });
  service = new ConsoleService(await open(first), {
    actor: 'alice',
    log,
    profiles: { registry, open, startPassphrase },
  });

  sim = await startSimulation({ remotes: 2, first: 2, lab: lab.opts });
  const session = service.session;
  const ids = ['r-0002', 'r-0003'];
  await waitFor(
    'the fleet online',
    () => ids.every((id) => session.core.fleet.get(id)?.status === 'online'),
    60_000,
  );
  const { push } = session.push.engine.push(fleetZonePush(1));
  await waitFor(
    'the push applied',
    () => session.push.engine.progress(push.id).summary.isComplete,
    60_000,
    100,
  );

  const imported = await service.handle('importProfile', [p12Form]);
  expect(imported.ok, JSON.stringify(imported)).toBe(true);
  const switched = await service.handle('switchProfile', [{ name: 'IPAM B' }]);
  expect(switched.ok, JSON.stringify(switched)).toBe(true);
  const b = service.session;
  await waitFor('IPAM B connected', () => b.core.connection?.state.kind === 'connected', 30_000);
}, 240_000);

afterAll(async () => {
  await service?.close();
  await sim?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('secrets at rest', () => {
  it('reads what the console wrote: both profiles, their databases with WAL, and the log', async () => {
    const files = (await scannedFiles(consoleDirs)).map((f) => basename(f));
    expect(files).toEqual(
      expect.arrayContaining(['profile.json', 'profile.db', 'profile.db-wal', 'console.log']),
    );
    expect(files.filter((f) => f.endsWith('.sealed'))).toHaveLength(4);
  });

  it('finds no private key, passphrase or signing key in clear while the console runs', async () => {
    expect(await findSecrets(consoleDirs, needles)).toEqual([]);
  });

  it('finds none once the console has closed and SQLite has folded its WAL into the database', async () => {
    await service?.close();
    service = undefined;
    expect(await findSecrets(consoleDirs, needles)).toEqual([]);
  });

  it('finds each secret planted in a file, in every form it searches', async () => {
    const planted = join(consoleDirs[0] as string, 'planted.bin');
    try {
      for (const n of needles) {
        await writeFile(planted, Buffer.concat([randomBytes(100), n.bytes, randomBytes(100)]));
        expect(await findSecrets(consoleDirs, [n])).toEqual([`${planted}: ${n.name}`]);
      }
    } finally {
      await rm(planted, { force: true });
    }
  });
});
