/**
 * The npm package as an operator installs it: `npm pack` (its prepack builds), then `npm install
 * --omit=dev` of the tarball into a directory outside the checkout (from the npm cache as far as it goes;
 * better-sqlite3 compiles there), and from there `smt`, `smt-agent` and the browser host against a lab:
 * no TypeScript, no tsx, no source tree.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsolePassphrase } from '../../lab/lab';
import { programs } from '../../scripts/build';
import { writeLabAgentConfig } from '../helpers/agent-process';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { spawnOwned, type OwnedProcess } from '../../lab/owned-process';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const RID = 'r-0521';
let tmp = '';
let app = '';
let packed: string[] = [];
let lab: LabFixture | undefined;
const owned: OwnedProcess[] = [];

/** The installed package's bins, as npm linked them. */
const bin = (name: 'smt' | 'smt-agent' | 'smt-console') => join(app, 'node_modules', '.bin', name);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smt-npm-package-'));
  // prepack runs `npm run build`: the renderer and every bundle, as a release would have them. Vite
  // builds React's development bundle when NODE_ENV says so, and vitest sets it to `test`: without this
  // the pack, and the checkout's dist/ that the e2e tests and the bench serve after it, were development
  // builds (a keystroke on the 10,000-remote Fleet screen took 600 ms instead of 50).
  await run('npm', ['pack', '--pack-destination', tmp], {
    cwd: repo,
    timeout: 240_000,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const { version } = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string };
  const tarball = join(tmp, `smt-console-${version}.tgz`);
  packed = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
  app = join(tmp, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'smt-operator', private: true }));
  // From the npm cache `npm ci` filled; the registry only for the package metadata that cache lacks (npm ci
  // fetches tarballs by the lock and keeps no metadata). better-sqlite3 builds from source (~60 s).
  await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    timeout: 300_000,
  });
  lab = await startLab();
}, 600_000);

afterAll(async () => {
  for (const p of owned) await p.stop('SIGKILL');
  await lab?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the npm package, installed with production dependencies only', () => {
  it('holds the bins and the bundles, and no sources, tests or source maps', () => {
    const files = packed.map((f) => f.replace(/^package\//, ''));
    for (const f of ['bin/smt.mjs', 'bin/smt-agent.mjs', 'bin/launch.mjs', 'dist/renderer/index.html']) {
      expect(files).toContain(f);
    }
    for (const p of Object.values(programs)) expect(files).toContain(`dist/${p.out}`);
    // npm always packs the file `main` names (the Electron shell's), whatever `files` says.
    expect(files.filter((f) => f.startsWith('dist/electron/'))).toEqual(['dist/electron/main.js']);
    const leaks = files.filter((f) =>
      /^(src-|tests|e2e|lab|scripts|broker|dist\/electron\/(?!main\.js$)|dist\/packages)|\.tsx?$|\.map$|\.test\./.test(
        f,
      ),
    );
    expect(leaks).toEqual([]);
  });

  it('smt, smt-agent and smt-console --help answer without tsx or the sources', async () => {
    const smt = await run(bin('smt'), ['--help'], { cwd: app });
    expect(smt.stdout).toMatch(/^usage: smt /);
    const agent = await run(bin('smt-agent'), ['--help'], { cwd: app });
    expect(agent.stdout).toMatch(/^usage: smt-agent run --config FILE/);
    // The browser host, for an administrator with no desktop app: its usage names the installed command.
    const host = await run(bin('smt-console'), ['--help'], { cwd: app });
    expect(host.stdout + host.stderr).toMatch(/usage: \[SMT_PASSPHRASE=…\] smt-console /);
    // Nothing of the development toolchain came with the package.
    await expect(readFile(join(app, 'node_modules', 'tsx', 'package.json'))).rejects.toThrow(/ENOENT/);
  });

  it('smt-agent run says hello to the lab, and the installed smt (native SQLite) lists the remote', async () => {
    const l = lab as LabFixture;
    const config = await writeLabAgentConfig(l.opts, RID, tmp, { tags: ['pkg:npm'] });
    const agent = spawnOwned(bin('smt-agent'), ['run', '--config', config], { cwd: app });
    owned.push(agent);
    await agent.ready(
      'the installed agent to connect',
      () => agent.output().includes(`remote ${RID} connected to primary`),
      60_000,
    );
    const listed = await run(
      bin('smt'),
      ['--profile', consoleProfilePath(l.opts), '--db', join(tmp, 'console.db'), 'remotes', '--json'],
      { cwd: app, env: { ...process.env, SMT_PASSPHRASE: await labConsolePassphrase(l.opts) } },
    );
    const remotes = JSON.parse(listed.stdout) as { id: string; status: string; tags: string[] }[];
    expect(remotes.find((r) => r.id === RID)).toMatchObject({ status: 'online', tags: ['pkg:npm'] });
    await agent.stop();
    expect(agent.output()).toContain(`SIGTERM: saying goodbye for remote ${RID}`);
  });

  it('the browser host serves the packaged renderer', async () => {
    const l = lab as LabFixture;
    const host = spawnOwned(
      process.execPath,
      [
        join(app, 'node_modules', 'smt-console', 'dist', programs.host.out),
        '--profile',
        consoleProfilePath(l.opts),
        '--profiles-dir',
        join(tmp, 'profiles'),
      ],
      { cwd: app, env: { ...process.env, SMT_PASSPHRASE: await labConsolePassphrase(l.opts) } },
    );
    owned.push(host);
    await host.ready('the host to print its URL', () => /Console: http\S+/.test(host.output()), 60_000);
    const url = /Console: (http\S+)/.exec(host.output())?.[1] ?? '';
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="[^"]*assets\/[^"]+\.js"/);
    await host.stop();
    expect(await host.exited).toBe(0);
  });
});
