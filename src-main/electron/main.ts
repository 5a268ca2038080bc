/**
 * The Electron shell: one sandboxed window showing the renderer bundle, wired to the same ConsoleService the
 * browser host serves. Everything the page can reach goes through ipc.ts; everything else is denied.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session } from 'electron';
import { lineLog } from '../../src-node/log';
import { PASSPHRASE_ENV, readPassphrase, type KeySealer } from '../../src-node/secrets';
import { loadConsoleProfile } from '../core/profile';
import { openUnderLock } from '../core/profiles/profile-lock';
import { PROFILES_DIR_ENV, ProfileRegistry, type ProfileEntry } from '../core/profiles/registry';
import { ConsoleService } from '../core/service/console-service';
import { openProfileSession } from '../core/service/profile-session';
import { StaticFiles } from '../host/static-files';
import { APP_SCHEME, appScheme, rendererResponder, rendererUrl } from './app-protocol';
import { guardDownloads, guardWebContents, lockDownSession } from './hardening';
import { registerIpc } from './ipc';
import { forwardNotices } from './notifications';
import { keyringProtects, safeStorageSealer } from './safe-storage-sealer';
import { errorText } from '../../src-shared/util/error-text';

const root = app.getAppPath();
const rendererDir = join(root, 'dist', 'renderer');
const preloadFile = join(root, 'dist', 'electron', 'preload.cjs');
const log = (line: string) => process.stderr.write(`[electron] ${line}\n`);

function cliValues() {
  return parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { profile: { type: 'string' }, 'profiles-dir': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  }).values;
}

/** `--profile <file>`, else $SMT_PROFILE: a profile given by file (development, the lab); none by default. */
function profileFile(): string | undefined {
  const fromArgs = cliValues().profile;
  if (typeof fromArgs === 'string' && fromArgs.length > 0) return fromArgs;
  return process.env.SMT_PROFILE || undefined;
}

/** `--profiles-dir <dir>`, else $SMT_PROFILES_DIR, else `profiles` in the app's user data directory. */
function profilesDir(): string {
  const fromArgs = cliValues()['profiles-dir'];
  if (typeof fromArgs === 'string' && fromArgs.length > 0) return fromArgs;
  return process.env[PROFILES_DIR_ENV] ?? join(app.getPath('userData'), 'profiles');
}

/** The file-given profile under its own name (a broken file is still listed, with its problem). */
async function startEntry(file: string): Promise<ProfileEntry> {
  try {
    return { name: (await loadConsoleProfile(file)).name, file };
  } catch {
    return { name: 'Start profile', file };
  }
}

function createWindow(): BrowserWindow {
  return new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'SMT Console',
    show: false,
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click on a link would otherwise ask for a new window (denied anyway, see hardening.ts).
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
}

async function main(): Promise<void> {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([appScheme]);
  // One app per user: a second start brings the first window forward (see 'second-instance') and ends.
  if (!app.requestSingleInstanceLock()) {
    log('SMT Console is running already: its window was brought to the front; use that one.');
    app.exit(0);
    return;
  }
  guardWebContents(app, log);
  await app.whenReady();
  lockDownSession(session.defaultSession);
  guardDownloads(session.defaultSession, log);
  protocol.handle(APP_SCHEME, rendererResponder(await StaticFiles.open(rendererDir)));

  const coreLog = lineLog((line) => process.stderr.write(`[core] ${line}\n`));
  let service: ConsoleService;
  try {
    // The keyring is offered only where it protects the key; elsewhere the admin sets a passphrase.
    const keyring: KeySealer | undefined = keyringProtects(safeStorage)
      ? safeStorageSealer(safeStorage)
      : undefined;
    if (!keyring)
      log('no OS keyring protects keys here (safeStorage): profiles are sealed with a passphrase');
    const startPassphrase = process.env[PASSPHRASE_ENV] === undefined ? undefined : await readPassphrase();
    const file = profileFile();
    const start = file === undefined ? undefined : await startEntry(file);
    service = new ConsoleService(undefined, {
      log: coreLog,
      profiles: {
        registry: new ProfileRegistry(profilesDir(), start ? [start] : []),
        open: (entry, sealers) =>
          openUnderLock(entry, () =>
            openProfileSession({ profileFile: entry.file, name: entry.name, sealers, log: coreLog }),
          ),
        ...(keyring ? { keyring } : {}),
        ...(startPassphrase === undefined ? {} : { startPassphrase }),
      },
    });
    // Keyring-sealed: open now. Passphrase-sealed: the unlock screen asks. None: onboarding.
    await service.openAtStart(start?.name);
  } catch (e) {
    dialog.showErrorBox(
      'SMT Console cannot start',
      `${errorText(e)}\n\nCheck that the profiles directory ${profilesDir()} can be read and written by you.`,
    );
    app.exit(1);
    return;
  }

  const window = createWindow();
  const unregisterIpc = registerIpc({ ipcMain, backend: service, window, rendererUrl, log });
  const stopNotices = forwardNotices({
    backend: service,
    Notification,
    focus: () => {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    log,
  });
  const unregister = () => {
    unregisterIpc();
    stopNotices();
  };
  window.once('ready-to-show', () => window.show());
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  await window.loadURL(rendererUrl);

  let quitting = false;
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let the core say goodbye to the broker before the process ends.
    event.preventDefault();
    quitting = true;
    unregister();
    void service.close().finally(() => app.quit());
  });
}

main().catch((e: unknown) => {
  log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  app.exit(1);
});
