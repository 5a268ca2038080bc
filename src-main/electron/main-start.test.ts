import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcResult } from '../../src-shared/ipc';
import type { ProfileImportForm, StartState } from '../../src-shared/ipc/profile-views';
import { passphraseSealer, type KeySealer } from '../../src-node/secrets';
import { issuedCert } from '../../src-node/testing/issued-cert';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import { ProfileRegistry } from '../core/profiles/registry';
import type * as ProfileSessionModule from '../core/service/profile-session';
import { rendererUrl } from './app-protocol';
import { callChannel } from './channels';
import { safeStorageSealer } from './safe-storage-sealer';

type Listener = (...args: unknown[]) => unknown;

/**
 * Electron as main.ts sees it, recorded, with what differs between desktops as settings: whether the
 * keyring protects (`backend`), whether this is the second instance. The console service and the profile
 * registry are the real ones; a session opens on a core that is not started (no broker needed).
 */
const shell = vi.hoisted(() => {
  const state = {
    root: '',
    backend: 'gnome_libsecret' as 'gnome_libsecret' | 'basic_text',
    encryption: true,
    firstInstance: true,
    appListeners: new Map<string, Listener[]>(),
    ipc: new Map<string, Listener>(),
    windows: [] as { loaded: string[]; contents: object; focused: number }[],
    errors: [] as string[],
    exits: [] as number[],
    opened: [] as { name: string; sealers: string[] }[],
  };
  const reset = (root: string) => {
    Object.assign(state, {
      root,
      backend: 'gnome_libsecret',
      encryption: true,
      firstInstance: true,
      windows: [],
      errors: [],
      exits: [],
      opened: [],
    });
    state.appListeners.clear();
    state.ipc.clear();
  };
  const safeStorage = {
    isEncryptionAvailable: () => state.encryption,
    getSelectedStorageBackend: () => state.backend,
    // A stand-in keyring: reversible, which is all a start-path test needs of it.
    encryptString: (s: string) => Buffer.from(s).reverse(),
    decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
  };
  const electron = {
    app: {
      isPackaged: false,
      getAppPath: () => state.root,
      getPath: () => join(state.root, 'user-data'),
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => state.firstInstance,
      whenReady: async () => undefined,
      on: (name: string, l: Listener) =>
        state.appListeners.set(name, [...(state.appListeners.get(name) ?? []), l]),
      quit: () => undefined,
      exit: (code: number) => state.exits.push(code),
    },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
        on: () => undefined,
      },
    },
    ipcMain: {
      handle: (channel: string, h: Listener) => state.ipc.set(channel, h),
      removeHandler: (channel: string) => state.ipc.delete(channel),
    },
    // Start-up raises no alert notice; main.test.ts checks what one shows.
    Notification: class {
      static isSupported = () => false;
      on() {
        return this;
      }
      show() {
        return undefined;
      }
    },
    dialog: { showErrorBox: (title: string, text: string) => state.errors.push(`${title}: ${text}`) },
    safeStorage,
    BrowserWindow: class {
      readonly webContents = { isDestroyed: () => false, send: () => undefined };
      readonly record = { loaded: [] as string[], contents: this.webContents, focused: 0 };
      constructor() {
        state.windows.push(this.record);
      }
      once() {}
      show() {}
      isMinimized() {
        return false;
      }
      restore() {}
      focus() {
        this.record.focused++;
      }
      async loadURL(url: string) {
        this.record.loaded.push(url);
      }
    },
  };
  return { state, electron, reset, safeStorage };
});

vi.mock('electron', () => shell.electron);
vi.mock('../core/service/profile-session', async (importOriginal) => {
  const real = await importOriginal<typeof ProfileSessionModule>();
  const { ConsoleCore } = await import('../core/console-core');
  const { loadConsoleProfile } = await import('../core/profile');
  const { loadTlsMaterial } = await import('../../src-node/tls');
  return {
    ...real,
    // Unseals the keys as a real start does (a wrong secret fails here), then a core that is not started.
    openProfileSession: async (opts: {
      profileFile: string;
      name: string;
      sealers: readonly KeySealer[];
    }) => {
      const profile = await loadConsoleProfile(opts.profileFile);
      await loadTlsMaterial(profile.tls, new Date(), {
        sealed: true,
        profile: profile.name,
        sealers: opts.sealers,
      });
      shell.state.opened.push({ name: opts.name, sealers: opts.sealers.map((s) => s.kind) });
      return real.assembleSession(new ConsoleCore({ profile }), {
        profileFile: opts.profileFile,
        dbFile: join(shell.state.root, `${opts.name}.db`),
        name: opts.name,
      });
    },
  };
});

let base: string;
let form: (name: string) => Promise<ProfileImportForm>;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'smt-electron-start-'));
  const ca = await selfSignedCert(base, 'ca');
  const client = await issuedCert(base, ca, 'console-a');
  form = async (name) => ({
    name,
    brokers: [{ name: 'primary', host: '127.0.0.1', port: 1 }],
    ca: await readFile(ca.certFile, 'utf8'),
    client: {
      format: 'pem',
      cert: await readFile(client.certFile, 'utf8'),
      key: await readFile(client.keyFile, 'utf8'),
    },
  });
}, 60_000);
afterAll(() => rm(base, { recursive: true, force: true }));

let run = 0;
const profilesDir = () => join(shell.state.root, 'user-data', 'profiles');
beforeEach(async () => {
  const root = join(base, `run-${++run}`);
  await mkdir(join(root, 'dist', 'renderer'), { recursive: true });
  await writeFile(join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>SMT</title>');
  shell.reset(root);
  vi.stubEnv('SMT_PASSPHRASE', undefined);
  vi.stubEnv('SMT_PROFILE', undefined);
  vi.stubEnv('SMT_PROFILES_DIR', undefined);
  vi.resetModules();
});
afterEach(async () => {
  // Quit as the app would: the core says goodbye before the process ends.
  for (const l of shell.state.appListeners.get('before-quit') ?? []) l({ preventDefault: () => undefined });
  vi.unstubAllEnvs();
});

async function start(): Promise<void> {
  await import('./main');
  await vi.waitFor(
    () => expect(shell.state.windows[0]?.loaded.length ?? shell.state.exits.length).toBeGreaterThan(0),
    { timeout: 10_000 },
  );
}

/** A call from the console window, as the preload makes it. */
async function call<T>(name: string, ...args: unknown[]): Promise<IpcResult<T>> {
  const handler = shell.state.ipc.get(callChannel(name as 'getStartState'));
  const sender = shell.state.windows[0]?.contents;
  return (await handler?.(
    { sender, senderFrame: { url: rendererUrl, parent: null } },
    ...args,
  )) as IpcResult<T>;
}

describe('Electron main start-up', { timeout: 60_000 }, () => {
  it('with no profile opens its window on onboarding, offering the keyring first, and no error box', async () => {
    await start();
    expect(shell.state.windows).toHaveLength(1);
    expect(shell.state.errors).toEqual([]);
    expect(await call<StartState>('getStartState')).toEqual({
      ok: true,
      value: { kind: 'onboarding', sealing: ['keyring', 'passphrase'] },
    });
    // The first import, sealed with the keyring, opens at once.
    expect(
      await call('importProfile', { ...(await form('IPAM A')), sealing: { kind: 'keyring' } }),
    ).toMatchObject({
      ok: true,
      value: { name: 'IPAM A', active: true, sealedWith: 'keyring' },
    });
    expect(await call('getStartState')).toMatchObject({ ok: true, value: { kind: 'open' } });
  });

  it('offers only a passphrase where the keyring would not protect (Linux basic_text)', async () => {
    shell.state.backend = 'basic_text';
    await start();
    expect(await call('getStartState')).toEqual({
      ok: true,
      value: { kind: 'onboarding', sealing: ['passphrase'] },
    });
    expect(
      await call('importProfile', { ...(await form('IPAM A')), sealing: { kind: 'keyring' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('seal this profile with a passphrase') },
    });
  });

  it('offers only a passphrase when safeStorage has no encryption at all', async () => {
    shell.state.encryption = false;
    await start();
    expect(await call('getStartState')).toEqual({
      ok: true,
      value: { kind: 'onboarding', sealing: ['passphrase'] },
    });
  });

  it('opens a keyring-sealed profile without a question', async () => {
    await new ProfileRegistry(profilesDir()).importBundle(
      await form('IPAM K'),
      safeStorageSealer(shell.safeStorage, 'linux'),
    );
    await start();
    expect(shell.state.opened).toEqual([{ name: 'IPAM K', sealers: ['safe-storage'] }]);
    expect(await call('getStartState')).toMatchObject({
      ok: true,
      value: { kind: 'open', profile: { name: 'IPAM K', sealedWith: 'keyring' } },
    });
  });

  it('opens on the unlock screen for a passphrase-sealed profile, and unlocks with its passphrase', async () => {
    await new ProfileRegistry(profilesDir()).importBundle(
      await form('IPAM P'),
      passphraseSealer('a long passphrase'),
    );
    await start();
    expect(shell.state.errors).toEqual([]);
    expect(shell.state.opened).toEqual([]);
    expect(await call('getStartState')).toEqual({
      ok: true,
      value: {
        kind: 'locked',
        profiles: [{ name: 'IPAM P', consoleId: 'console-a', sealedWith: 'passphrase' }],
        last: 'IPAM P',
        retryAfterMs: 0,
        sealing: ['keyring', 'passphrase'],
      },
    });
    expect(await call('unlockProfile', { name: 'IPAM P', passphrase: 'not it' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'Wrong passphrase for "IPAM P": type it again.' },
    });
    expect(await call('unlockProfile', { name: 'IPAM P', passphrase: 'a long passphrase' })).toMatchObject({
      ok: true,
      value: { name: 'IPAM P', active: true },
    });
    expect(shell.state.opened.at(-1)).toEqual({ name: 'IPAM P', sealers: ['safe-storage', 'scrypt'] });
  });

  it('as a second instance, opens nothing, says so and exits; the first brings its window forward', async () => {
    shell.state.firstInstance = false;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await start();
      expect(shell.state.exits).toEqual([0]);
      expect(shell.state.windows).toEqual([]);
      expect(shell.state.ipc.size).toBe(0);
      expect(stderr).toHaveBeenCalledWith(
        '[electron] SMT Console is running already: its window was brought to the front; use that one.\n',
      );
    } finally {
      stderr.mockRestore();
    }

    vi.resetModules();
    shell.reset(shell.state.root);
    await start();
    for (const l of shell.state.appListeners.get('second-instance') ?? []) l();
    expect(shell.state.windows[0]?.focused).toBe(1);
  });
});
