import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from './build';

/**
 * Just enough of Electron for main.js to run up to loading its window: it proves the bundle loads under
 * Node (every inlined CommonJS require resolves), builds the core and answers with a window (the start
 * paths themselves are tested on the source, src-main/electron/main-start.test.ts).
 */
const electronStub = `
const root = process.env.SMT_STUB_ROOT;
const noop = () => undefined;
export const app = {
  isPackaged: false, getAppPath: () => root, getPath: () => root, enableSandbox: noop,
  whenReady: async () => undefined, on: noop, quit: noop, exit: (code) => process.exit(code),
  requestSingleInstanceLock: () => true,
};
export const protocol = { registerSchemesAsPrivileged: noop, handle: noop };
export const session = { defaultSession: {
  setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, setDevicePermissionHandler: noop,
  webRequest: { onHeadersReceived: noop }, on: noop,
} };
export const ipcMain = { handle: noop, removeHandler: noop };
export const dialog = { showErrorBox: (title, text) => console.log(\`dialog: \${title}: \${text}\`) };
export const safeStorage = { isEncryptionAvailable: () => false, encryptString: noop, decryptString: noop };
export class Notification { static isSupported() { return false; } on() { return this; } show() {} }
export class BrowserWindow {
  once() {}
  on() {}
  async loadURL(url) {
    console.log(\`window: \${url}\`);
    setImmediate(() => process.exit(0));
  }
}
`;
/** `electron` is the stub; the native SQLite binding, left outside the bundle, comes from this repo. */
const hooks = (stubUrl: string, sqliteUrl: string) => `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(stubUrl)}, shortCircuit: true };
  if (specifier === 'better-sqlite3') return { url: ${JSON.stringify(sqliteUrl)}, shortCircuit: true };
  return next(specifier, context);
}
`;

describe('build:electron', () => {
  let tmp: string;
  let out: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'smt-build-electron-'));
    out = join(tmp, 'dist', 'electron');
    await buildElectron(out);
  }, 60_000);
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('writes main.js and preload.cjs and no source maps', async () => {
    expect((await readdir(out)).sort()).toEqual(['main.js', 'preload.cjs']);
  });

  it('the preload is CommonJS requiring only electron (the sandbox allows little else)', async () => {
    const preload = await readFile(join(out, 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toContain('exposeInMainWorld("smt"');
  });

  it("the preload carries the contract's names, not its schemas (zod made it about 800 KB)", async () => {
    const preload = await readFile(join(out, 'preload.cjs'));
    expect(preload.length).toBeLessThan(50_000);
    expect(preload.toString()).not.toContain('zod');
  });

  it('main.js loads under Node with Electron stubbed and opens its window, a missing profile listed, not fatal', async () => {
    await writeFile(join(tmp, 'package.json'), JSON.stringify({ type: 'module' }));
    await mkdir(join(tmp, 'dist', 'renderer'));
    await writeFile(join(tmp, 'dist', 'renderer', 'index.html'), '<!doctype html>');
    const stub = join(tmp, 'electron-stub.mjs');
    await writeFile(stub, electronStub);
    await writeFile(
      join(tmp, 'hooks.mjs'),
      hooks(pathToFileURL(stub).href, import.meta.resolve('better-sqlite3')),
    );
    await writeFile(
      join(tmp, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(tmp, 'hooks.mjs')).href)});\n`,
    );
    const missing = join(tmp, 'no-such-profile.json');
    const env: NodeJS.ProcessEnv = { ...process.env, SMT_STUB_ROOT: tmp };
    delete env.SMT_PASSPHRASE;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(
        process.execPath,
        [
          '--import',
          pathToFileURL(join(tmp, 'register.mjs')).href,
          join(out, 'main.js'),
          '--profile',
          missing,
        ],
        { env, timeout: 30_000 },
        (_e, stdout, stderr) => done({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)|SyntaxError/);
    expect(result.stdout).not.toContain('dialog:');
    expect(result.stdout).toContain('window: app://console/index.html');
    expect(result.code).toBe(0);
  });
});
