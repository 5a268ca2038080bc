import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFile, listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildElectron, buildPrograms, programs } from '../../scripts/build';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const electronOut = join(repo, 'dist', 'electron');
// What must never ship, planted next to the real build output to prove the exclusions work.
const bait = ['main.js.map', 'signer.key', 'console.pem', 'client.p12', 'signer.key.sealed'];

/** The part of electron-builder.yml that the desktop integration depends on. */
const LinuxConfig = z.object({
  linux: z.object({
    target: z.array(z.string()),
    icon: z.string(),
    category: z.string(),
    executableName: z.string(),
    desktop: z.object({ entry: z.record(z.string(), z.string()) }),
  }),
  directories: z.object({ buildResources: z.string() }),
});

describe('the packaged app (electron-builder --dir with a stand-in Electron)', () => {
  let tmp: string;
  let unpacked: string;
  let files: string[];
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'smt-packaging-'));
    await buildElectron(electronOut);
    await buildPrograms(join(repo, 'dist'));
    for (const name of bait) await writeFile(join(electronOut, name), 'must not ship');
    // `npm test` builds the renderer just before; a run of this file alone builds it once.
    if (!existsSync(join(repo, 'dist', 'renderer', 'index.html'))) {
      await run('npx', ['vite', 'build', '--config', 'src-renderer/vite.config.ts'], { cwd: repo });
    }
    // The Electron runtime cannot be downloaded here: electron-builder copies this directory instead.
    const electronDist = join(tmp, 'electron-dist');
    await mkdir(electronDist);
    await writeFile(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for Electron"\n');
    await chmod(join(electronDist, 'electron'), 0o755);
    const out = join(tmp, 'out');
    await run(
      process.execPath,
      [
        join(repo, 'node_modules', 'electron-builder', 'cli.js'),
        '--dir',
        '--linux',
        `-c.electronDist=${electronDist}`,
        '-c.npmRebuild=false',
        `-c.directories.output=${out}`,
      ],
      { cwd: repo, timeout: 150_000 },
    );
    unpacked = join(out, 'linux-unpacked');
    files = listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false });
  }, 240_000);
  afterAll(async () => {
    for (const name of bait) await rm(join(electronOut, name), { force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  it('holds the main process, the preload and the renderer, with package.json naming the main', () => {
    for (const f of ['/package.json', '/dist/electron/main.js', '/dist/electron/preload.cjs']) {
      expect(files).toContain(f);
    }
    expect(files).toContain('/dist/renderer/index.html');
    expect(files.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    const pkg = JSON.parse(extractFile(join(unpacked, 'resources', 'app.asar'), 'package.json').toString());
    expect(pkg.main).toBe('dist/electron/main.js');
  });

  it('carries the bundled smt CLI, but neither the agent nor the browser host', () => {
    expect(files).toContain(`/dist/${programs.smt.out}`);
    expect(files.filter((f) => /^\/dist\/(agent|host)(\/|$)/.test(f))).toEqual([]);
  });

  it('holds no tests, lab, sources, source maps or keys', () => {
    const forbidden = [
      /\.test\./,
      /(^|\/)\.lab/,
      /\.map$/,
      /^\/src-/,
      /\.tsx?$/,
      /\.(key|pem|p12|pfx|sealed)$/,
      /(^|\/)(tests?|e2e|__tests__|lab|scripts|docs|broker)\//,
    ];
    const leaks = files.filter((f) => forbidden.some((re) => re.test(f)));
    expect(leaks).toEqual([]);
  });

  it('ships only the native SQLite binding from node_modules, unpacked from the archive', async () => {
    const modules = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]));
    expect([...modules].sort()).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path']);
    const native = join(unpacked, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
    expect((await stat(join(native, 'build', 'Release', 'better_sqlite3.node'))).isFile()).toBe(true);
  });

  it('the preload needs nothing but electron (a sandboxed preload can require little else)', async () => {
    const preload = extractFile(
      join(unpacked, 'resources', 'app.asar'),
      'dist/electron/preload.cjs',
    ).toString();
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
  });

  it('names the executable and configures AppImage and deb with the icon and a desktop entry', async () => {
    expect((await stat(join(unpacked, 'smt-console'))).mode & 0o111).not.toBe(0);
    const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
    const config = LinuxConfig.parse(load(await readFile(join(repo, 'electron-builder.yml'), 'utf8')));
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux.executableName).toBe('smt-console');
    expect(config.linux.category).toBe('Network');
    expect(config.linux.desktop.entry).toMatchObject({ Name: 'SMT Console' });
    expect(config.linux.desktop.entry.Comment).toMatch(/DNS\/DHCP/);
    // A PNG of at least 256×256 (desktop icon themes and the AppImage need that size).
    const icon = await readFile(join(repo, config.linux.icon));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(256);
    expect(config.directories.buildResources).toBe('assets');
  });
});
