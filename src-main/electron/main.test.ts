import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames } from '../../src-shared/ipc';
import type { KeySealer } from '../../src-node/secrets';
import { APP_SCHEME, appScheme, rendererUrl, shellCsp } from './app-protocol';
import { callChannel } from './channels';

type Listener = (...args: unknown[]) => unknown;

/**
 * The shell's Electron objects, recorded: main.ts runs as it would in Electron and the test reads what it
 * asked for (window options, handlers, the order of the steps).
 */
const shell = vi.hoisted(() => {
  const order: string[] = [];
  const appListeners = new Map<string, Listener[]>();
  const ipc = new Map<string, Listener>();
  const windows: { options: Record<string, unknown>; loaded: string[]; contents: object }[] = [];
  const session: Record<string, Listener> = {};
  const handled = new Map<string, (r: Request) => Promise<Response>>();
  const state = {
    root: '',
    order,
    appListeners,
    ipc,
    windows,
    session,
    handled,
    privileged: [] as unknown[],
    quits: 0,
    exits: [] as number[],
    errors: [] as string[],
    core: null as null | { stopped: boolean },
    backend: null as null | { emit(event: 'alertNotice', payload: unknown): void },
    notices: [] as string[],
    serviceOptions: null as null | { profiles?: { keyring?: KeySealer; startPassphrase?: string } },
  };
  const electron = {
    app: {
      isPackaged: false,
      getAppPath: () => state.root,
      getPath: () => join(state.root, 'user-data'),
      enableSandbox: () => order.push('enableSandbox'),
      whenReady: async () => {
        order.push('ready');
      },
      on: (name: string, l: Listener) => {
        order.push(`app.on ${name}`);
        appListeners.set(name, [...(appListeners.get(name) ?? []), l]);
      },
      requestSingleInstanceLock: () => true,
      quit: () => state.quits++,
      exit: (code: number) => state.exits.push(code),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        order.push('registerSchemesAsPrivileged');
        state.privileged.push(...schemes);
      },
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => handled.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (l: Listener) => (session.request = l),
        setPermissionCheckHandler: (l: Listener) => (session.check = l),
        setDevicePermissionHandler: (l: Listener) => (session.device = l),
        webRequest: { onHeadersReceived: (l: Listener) => (session.headers = l) },
        on: (event: string, l: Listener) => (session[event] = l),
      },
    },
    ipcMain: {
      handle: (channel: string, h: Listener) => ipc.set(channel, h),
      removeHandler: (channel: string) => ipc.delete(channel),
    },
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly options: { title: string; body: string }) {}
      on() {
        return this;
      }
      show() {
        state.notices.push(`${this.options.title}: ${this.options.body}`);
      }
    },
    dialog: { showErrorBox: (title: string, text: string) => state.errors.push(`${title}: ${text}`) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
    BrowserWindow: class {
      readonly webContents = { isDestroyed: () => false, send: () => undefined };
      readonly record;
      constructor(options: Record<string, unknown>) {
        order.push('new BrowserWindow');
        this.record = { options, loaded: [] as string[], contents: this.webContents };
        windows.push(this.record);
      }
      once() {}
      show() {}
      async loadURL(url: string) {
        this.record.loaded.push(url);
      }
    },
  };
  return { state, electron };
});

vi.mock('electron', () => shell.electron);
// The start paths (onboarding, unlock, keyring) are main-start.test.ts's; here the service is a stand-in.
vi.mock('../core/service/console-service', async () => {
  const { FakeBackend: Fake } = await import('../host/testing/fake-backend');
  return {
    ConsoleService: class extends Fake {
      private readonly record = { stopped: false };
      constructor(_current: unknown, opts: NonNullable<typeof shell.state.serviceOptions>) {
        super();
        shell.state.core = this.record;
        shell.state.backend = this as never;
        shell.state.serviceOptions = opts;
      }
      async openAtStart(): Promise<void> {}
      async close(): Promise<void> {
        this.record.stopped = true;
      }
    },
  };
});

describe('Electron main process (on recorded Electron objects)', () => {
  const { state } = shell;
  beforeAll(async () => {
    state.root = await mkdtemp(join(tmpdir(), 'smt-electron-main-'));
    await mkdir(join(state.root, 'dist', 'renderer'), { recursive: true });
    await writeFile(join(state.root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>SMT</title>');
    vi.stubEnv('SMT_PASSPHRASE', undefined);
    await import('./main');
    await vi.waitFor(() => expect(state.windows[0]?.loaded).toEqual([rendererUrl]), { timeout: 10_000 });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(state.root, { recursive: true, force: true });
  });

  it('opens one window: isolated, sandboxed, no Node, web security on, no webview, our preload', () => {
    expect(state.windows).toHaveLength(1);
    const prefs = state.windows[0]?.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      preload: join(state.root, 'dist', 'electron', 'preload.cjs'),
    });
    expect(prefs).not.toHaveProperty('experimentalFeatures');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('sandboxes every renderer, registers app:// and guards webContents before anything is created', () => {
    const at = (step: string) => state.order.indexOf(step);
    expect(at('enableSandbox')).toBe(0);
    expect(at('registerSchemesAsPrivileged')).toBeLessThan(at('ready'));
    expect(at('app.on web-contents-created')).toBeLessThan(at('new BrowserWindow'));
    expect(state.privileged).toEqual([appScheme]);
  });

  it('denies permissions and sets the CSP on the default session', () => {
    let granted: boolean | null = null;
    state.session.request?.({}, 'media', (g: boolean) => (granted = g), {});
    expect(granted).toBe(false);
    expect(state.session.check?.({}, 'notifications', 'app://console', {})).toBe(false);
    let headers: unknown = null;
    state.session.headers?.({ responseHeaders: {} }, (r: unknown) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [shellCsp] } });
    // Downloads are guarded too (hardening.test.ts has the rules).
    expect(state.session['will-download']).toBeTypeOf('function');
  });

  it('serves the renderer bundle of the app directory on app://console', async () => {
    const respond = state.handled.get(APP_SCHEME);
    const page = await respond?.(new Request(rendererUrl));
    expect(page?.status).toBe(200);
    expect(await page?.text()).toContain('<title>SMT</title>');
  });

  it('gives the core the OS keyring (safeStorage) and no passphrase', () => {
    expect(state.serviceOptions?.profiles?.keyring?.kind).toBe('safe-storage');
    expect(state.serviceOptions?.profiles?.startPassphrase).toBeUndefined();
  });

  it('answers IPC only from the top frame of the window showing app://console/index.html', async () => {
    expect([...state.ipc.keys()].sort()).toEqual(callNames.map(callChannel).sort());
    const sender = state.windows[0]?.contents;
    const getFleet = state.ipc.get(callChannel('getFleet'));
    const from = (url: string) => getFleet?.({ sender, senderFrame: { url, parent: null } });
    expect(await from(`${rendererUrl}#fleet`)).toMatchObject({ ok: true });
    for (const url of [
      'file:///opt/smt/resources/app.asar/dist/renderer/index.html',
      'app://console/other.html',
    ]) {
      expect(await from(url)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('raises the core’s alert notices as native notifications', () => {
    state.backend?.emit('alertNotice', { title: 'r-0003 offline', body: 'silent', alertIds: ['a-1'], at: 1 });
    expect(state.notices).toEqual(['r-0003 offline: silent']);
  });

  it('stops the core before quitting, once', async () => {
    let prevented = 0;
    for (const l of state.appListeners.get('before-quit') ?? []) l({ preventDefault: () => prevented++ });
    await vi.waitFor(() => expect(state.quits).toBe(1));
    expect(prevented).toBe(1);
    expect(state.core?.stopped).toBe(true);
    expect(state.ipc.size).toBe(0);
    // Notices stop with the IPC: none reaches a window that is closing.
    state.backend?.emit('alertNotice', { title: 'late', body: '', alertIds: [], at: 2 });
    expect(state.notices).toEqual(['r-0003 offline: silent']);
    expect(state.errors).toEqual([]);
    expect(state.exits).toEqual([]);
  });
});
