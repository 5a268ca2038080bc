/**
 * The Electron shell: one sandboxed window showing the renderer bundle, wired to the same ConsoleService the
 * browser host serves. Everything the page can reach goes through ipc.ts; everything else is denied.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { lineLog } from '../../src-node/log';
import { PASSPHRASE_ENV, passphraseSealer, readPassphrase, type KeySealer } from '../../src-node/secrets';
import { PROFILES_DIR_ENV, ProfileRegistry } from '../core/profiles/registry';
import { ConsoleService } from '../core/service/console-service';
import { openProfileSession } from '../core/service/profile-session';
import { StaticFiles } from '../host/static-files';
import { APP_SCHEME, appScheme, rendererResponder, rendererUrl } from './app-protocol';
import { guardDownloads, guardWebContents, lockDownSession } from './hardening';
import { registerIpc } from './ipc';
import { safeStorageSealer } from './safe-storage-sealer';

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

/** `--profile <file>`, else $SMT_PROFILE, else the profile kept in the app's user data directory. */
function profileFile(): string {
  const fromArgs = cliValues().profile;
  if (typeof fromArgs === 'string' && fromArgs.length > 0) return fromArgs;
  return process.env.SMT_PROFILE ?? join(app.getPath('userData'), 'console-profile.json');
}

/** `--profiles-dir <dir>`, else $SMT_PROFILES_DIR, else `profiles` in the app's user data directory. */
function profilesDir(): string {
  const fromArgs = cliValues()['profiles-dir'];
  if (typeof fromArgs === 'string' && fromArgs.length > 0) return fromArgs;
  return process.env[PROFILES_DIR_ENV] ?? join(app.getPath('userData'), 'profiles');
}

/**
 * Keys sealed with the OS keyring open without a question; passphrase-sealed ones (the lab's) need
 * $SMT_PASSPHRASE, as the app has no passphrase dialog yet.
 */
async function sealers(): Promise<[KeySealer, ...KeySealer[]]> {
  const list: [KeySealer, ...KeySealer[]] = [safeStorageSealer(safeStorage)];
  if (process.env[PASSPHRASE_ENV] !== undefined) list.push(passphraseSealer(await readPassphrase()));
  return list;
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
  guardWebContents(app, log);
  await app.whenReady();
  lockDownSession(session.defaultSession);
  guardDownloads(session.defaultSession, log);
  protocol.handle(APP_SCHEME, rendererResponder(await StaticFiles.open(rendererDir)));

  const coreLog = lineLog((line) => process.stderr.write(`[core] ${line}\n`));
  let service: ConsoleService;
  try {
    const keySealers = await sealers();
    const open = (entry: { name?: string; file: string }) =>
      openProfileSession({
        profileFile: entry.file,
        ...(entry.name === undefined ? {} : { name: entry.name }),
        sealers: keySealers,
        log: coreLog,
      });
    const first = await open({ file: profileFile() });
    const start = { name: first.name, file: first.profileFile };
    service = new ConsoleService(first, {
      log: coreLog,
      // Imported keys are sealed with the OS keyring (the first sealer), as the app's own are.
      profiles: { registry: new ProfileRegistry(profilesDir(), [start]), open, sealer: keySealers[0] },
    });
  } catch (e) {
    dialog.showErrorBox(
      'SMT Console cannot start',
      `${e instanceof Error ? e.message : String(e)}\n\nStart it with --profile <console-profile.json> or set SMT_PROFILE.`,
    );
    app.exit(1);
    return;
  }

  const window = createWindow();
  const unregister = registerIpc({ ipcMain, backend: service, window, rendererUrl, log });
  window.once('ready-to-show', () => window.show());
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
