import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileImportForm, StartState } from '../../../src-shared/ipc/profile-views';
import type { KeySealer } from '../../../src-node/secrets';
import { issuedCert } from '../../../src-node/testing/issued-cert';
import { selfSignedCert } from '../../../src-node/testing/self-signed';
import { loadTlsMaterial } from '../../../src-node/tls';
import { ConsoleCore } from '../console-core';
import { loadConsoleProfile } from '../profile';
import { LAST_PROFILE_FILE } from '../profiles/last-profile';
import { lockFileOf, openUnderLock } from '../profiles/profile-lock';
import { ProfileRegistry, type ProfileEntry } from '../profiles/registry';
import { ConsoleService, NO_PROFILE_OPEN } from './console-service';
import { assembleSession, type ProfileSession } from './profile-session';

let dir: string;
let forms: (name: string, over?: Partial<ProfileImportForm>) => Promise<ProfileImportForm>;
const services: ConsoleService[] = [];
const PASS = 'correct horse battery staple';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-start-'));
  const ca = await selfSignedCert(dir, 'ca', { subject: '/O=IPAM/CN=IPAM CA' });
  const client = await issuedCert(dir, ca, 'console-a');
  const read = (f: string) => readFile(f, 'utf8');
  forms = async (name, over = {}) => ({
    name,
    brokers: [{ name: 'primary', host: '127.0.0.1', port: 1 }],
    ca: await read(ca.certFile),
    client: { format: 'pem', cert: await read(client.certFile), key: await read(client.keyFile) },
    ...over,
  });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

/**
 * Opens a profile as the hosts do, keys and all (a wrong passphrase fails here as at a real start), on a
 * core that is not started: the state machine needs no broker.
 */
async function open(entry: ProfileEntry, sealers: readonly KeySealer[]): Promise<ProfileSession> {
  const profile = await loadConsoleProfile(entry.file);
  await loadTlsMaterial(profile.tls, new Date(), { sealed: true, profile: profile.name, sealers });
  return assembleSession(new ConsoleCore({ profile }), {
    profileFile: entry.file,
    dbFile: join(dir, `${entry.name}-${Math.random()}.db`),
    name: entry.name,
  });
}

function console(profilesDir: string, clock = { now: Date.now() }, locked = false) {
  const svc = new ConsoleService(undefined, {
    actor: 'alice',
    now: () => clock.now,
    profiles: {
      registry: new ProfileRegistry(profilesDir),
      open: locked ? (entry, sealers) => openUnderLock(entry, () => open(entry, sealers)) : open,
    },
  });
  services.push(svc);
  const states: StartState[] = [];
  svc.subscribe('startStateChanged', (s) => void states.push(s));
  return { svc, states, clock };
}

/** Every file under a directory with a digest of its bytes: "nothing written" is this not changing. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    out[file] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return out;
}

// Each unseal and seal runs scrypt (N = 2^15): a few dozen of them on a busy 2-core machine.
describe('ConsoleService start state', { timeout: 60_000 }, () => {
  it('starts in onboarding, answers calls that need a profile with unavailable, opens the first import', async () => {
    const profilesDir = join(dir, 'first-run');
    const { svc, states } = console(profilesDir);
    expect(await svc.handle('getStartState', [])).toEqual({
      ok: true,
      value: { kind: 'onboarding', sealing: ['passphrase'] },
    });
    for (const call of ['getFleet', 'getConnection', 'listPushes'] as const) {
      expect(await svc.handle(call, [])).toEqual({
        ok: false,
        error: { code: 'unavailable', message: NO_PROFILE_OPEN },
      });
    }
    expect(await svc.handle('listProfiles', [])).toEqual({ ok: true, value: [] });

    // No keyring on this host, and no passphrase held: the admin must choose one.
    expect(await svc.handle('importProfile', [await forms('IPAM A')])).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('set a passphrase') },
    });
    expect(
      await svc.handle('importProfile', [await forms('IPAM A', { sealing: { kind: 'keyring' } })]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('OS keyring') },
    });
    expect(
      await svc.handle('importProfile', [
        await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: 'short' } }),
      ]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('at least 12') },
    });

    const imported = await svc.handle('importProfile', [
      await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: PASS } }),
    ]);
    expect(imported).toMatchObject({
      ok: true,
      value: { name: 'IPAM A', active: true, sealedWith: 'passphrase' },
    });
    expect(states.map((s) => s.kind)).toEqual(['open']);
    expect(states[0]).toMatchObject({ kind: 'open', passphraseHeld: true, profile: { name: 'IPAM A' } });
    expect(await svc.handle('getFleet', [])).toMatchObject({ ok: true, value: { remotes: [] } });
    expect(JSON.parse(await readFile(join(profilesDir, LAST_PROFILE_FILE), 'utf8'))).toEqual({
      v: 1,
      name: 'IPAM A',
    });
    // A second import, sealed with the passphrase the console holds (no choice given): no question to switch.
    expect(await svc.handle('importProfile', [await forms('IPAM B')])).toMatchObject({
      ok: true,
      value: { name: 'IPAM B', active: false, sealedWith: 'passphrase' },
    });
    expect(await svc.handle('switchProfile', [{ name: 'IPAM B' }])).toMatchObject({
      ok: true,
      value: { name: 'IPAM B', active: true },
    });
  });

  it('starts locked on a passphrase-sealed profile; a wrong passphrase changes nothing, too many wait, the right one opens', async () => {
    const profilesDir = join(dir, 'locked');
    const first = console(profilesDir);
    await first.svc.handle('importProfile', [
      await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: PASS } }),
    ]);
    await first.svc.close();
    // A foreign file where a profile should be: listed with its problem, not a crash.
    await mkdir(join(profilesDir, 'Broken'));
    await writeFile(join(profilesDir, 'Broken', 'profile.json'), '{"name": 3');

    const { svc, states, clock } = console(profilesDir);
    await svc.openAtStart();
    const locked = await svc.handle('getStartState', []);
    expect(locked).toEqual({
      ok: true,
      value: {
        kind: 'locked',
        profiles: [
          {
            name: 'Broken',
            consoleId: '',
            sealedWith: null,
            problem: expect.stringContaining('is not JSON'),
          },
          { name: 'IPAM A', consoleId: expect.any(String), sealedWith: 'passphrase' },
        ],
        last: 'IPAM A',
        retryAfterMs: 0,
        sealing: ['passphrase'],
      },
    });
    const before = await snapshot(profilesDir);
    expect(await svc.handle('unlockProfile', [{ name: 'Broken', passphrase: PASS }])).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: expect.stringContaining('Profile "Broken" could not be opened'),
      },
    });

    for (let i = 1; i <= 3; i++) {
      expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: `wrong ${i}` }])).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'Wrong passphrase for "IPAM A": type it again.' },
      });
    }
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: 'wrong 4' }])).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          'Wrong passphrase for "IPAM A": type it again. Too many wrong passphrases in a row: wait 1 s before the next try.',
      },
    });
    expect(states.at(-1)).toMatchObject({ kind: 'locked', retryAfterMs: 1_000 });
    // The console enforces the wait, whatever the page does: even the right passphrase waits.
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'Too many wrong passphrases in a row: wait 1 s before the next try.',
      },
    });
    expect(await svc.handle('getFleet', [])).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await snapshot(profilesDir)).toEqual(before);
    clock.now += 1_000;
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toMatchObject({
      ok: true,
      value: { name: 'IPAM A', active: true },
    });
    expect(states.at(-1)).toMatchObject({ kind: 'open', profile: { name: 'IPAM A' } });
    expect(await svc.handle('getFleet', [])).toMatchObject({ ok: true });
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });

  it('asks for the passphrase of a profile it does not hold before switching to it', async () => {
    const profilesDir = join(dir, 'switch');
    const setup = console(profilesDir);
    await setup.svc.handle('importProfile', [
      await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: PASS } }),
    ]);
    await setup.svc.handle('importProfile', [
      await forms('IPAM B', { sealing: { kind: 'passphrase', passphrase: `${PASS} two` } }),
    ]);
    await setup.svc.close();

    const { svc } = console(profilesDir);
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toMatchObject({
      ok: true,
    });
    expect(await svc.handle('listProfiles', [])).toMatchObject({
      ok: true,
      value: [
        { name: 'IPAM A', active: true },
        { name: 'IPAM B', active: false, needsPassphrase: true },
      ],
    });
    expect(await svc.handle('switchProfile', [{ name: 'IPAM B' }])).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          'Profile "IPAM B" is sealed with a passphrase this console does not hold: type it to open the profile.',
      },
    });
    expect(await svc.handle('switchProfile', [{ name: 'IPAM B', passphrase: PASS }])).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'Wrong passphrase for "IPAM B": type it again.' },
    });
    expect(svc.session.name).toBe('IPAM A');
    expect(await svc.handle('switchProfile', [{ name: 'IPAM B', passphrase: `${PASS} two` }])).toMatchObject({
      ok: true,
      value: { name: 'IPAM B', active: true },
    });
    // Held now: back and forth without a question.
    expect(await svc.handle('switchProfile', [{ name: 'IPAM A' }])).toMatchObject({ ok: true });
    expect(await svc.handle('switchProfile', [{ name: 'IPAM B' }])).toMatchObject({ ok: true });
  });

  it('refuses a profile another console holds, naming its process, and takes it once that one is gone', async () => {
    const profilesDir = join(dir, 'held');
    const setup = console(profilesDir);
    await setup.svc.handle('importProfile', [
      await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: PASS } }),
    ]);
    await setup.svc.close();
    const file = join(profilesDir, 'IPAM A', 'profile.json');
    // The test runner's parent stands in for another console that is running.
    await writeFile(lockFileOf(file), `${process.ppid}\n`);
    const { svc } = console(profilesDir, undefined, true);
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: `Profile "IPAM A" is open in another SMT Console (process ${process.ppid}): use that one, or close it and try again.`,
      },
    });
    await rm(lockFileOf(file));
    expect(await svc.handle('unlockProfile', [{ name: 'IPAM A', passphrase: PASS }])).toMatchObject({
      ok: true,
    });
    expect(await readFile(lockFileOf(file), 'utf8')).toBe(`${process.pid}\n`);
    await svc.close();
    await expect(readFile(lockFileOf(file), 'utf8')).rejects.toThrow('ENOENT');
  });

  it('keeps a first import that cannot be opened, and moves the page to the unlock screen with why', async () => {
    const profilesDir = join(dir, 'unopenable');
    const svc = new ConsoleService(undefined, {
      actor: 'alice',
      profiles: {
        registry: new ProfileRegistry(profilesDir),
        open: async () => {
          throw new Error('the database is on a full disk');
        },
      },
    });
    services.push(svc);
    const states: StartState[] = [];
    svc.subscribe('startStateChanged', (s) => void states.push(s));
    expect(
      await svc.handle('importProfile', [
        await forms('IPAM A', { sealing: { kind: 'passphrase', passphrase: PASS } }),
      ]),
    ).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message:
          'Imported "IPAM A", but profile "IPAM A" could not be opened: the database is on a full disk.',
      },
    });
    expect(states.map((s) => s.kind)).toEqual(['locked']);
  });
});
