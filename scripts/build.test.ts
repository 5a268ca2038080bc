import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrograms, consoleExternals, programs, type Inlined, type Program } from './build';

const run = promisify(execFile);

/** Every module a bundle loads at run time: its static imports and the require() calls left in it. */
function loaded(bundle: string): string[] {
  const specifiers = [
    ...bundle.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm),
    ...bundle.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] ?? '');
  return [...new Set(specifiers)].sort();
}

describe('the Node programs (scripts/build.ts buildPrograms)', () => {
  let tmp: string;
  let inlined: Map<Program, Inlined>;
  const text = (p: Program) => readFile(join(tmp, 'dist', programs[p].out), 'utf8');
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'smt-build-programs-'));
    inlined = await buildPrograms(join(tmp, 'dist'));
  }, 60_000);
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('the console programs load only Node built-ins and the native SQLite binding', async () => {
    for (const p of ['smt', 'host'] as const) {
      const outside = loaded(await text(p)).filter((s) => !isBuiltin(s));
      expect(outside, p).toEqual(consoleExternals);
    }
  });

  it('the agent loads only Node built-ins and inlined the protocol’s packages', async () => {
    expect(loaded(await text('agent')).filter((s) => !isBuiltin(s))).toEqual([]);
    expect([...(inlined.get('agent')?.keys() ?? [])]).toEqual(expect.arrayContaining(['stompit', 'zod']));
  });

  it('the agent runs from a directory with no node_modules anywhere above it', async () => {
    // tmpdir() is outside the checkout: nothing the bundle forgot could be found there.
    const alone = join(tmp, 'smt-agent.mjs');
    await copyFile(join(tmp, 'dist', programs.agent.out), alone);
    const { stdout } = await run(process.execPath, [alone, '--help'], { cwd: tmp });
    expect(stdout).toMatch(/^usage: smt-agent run --config FILE/);
    const check = await run(process.execPath, [alone, 'check', '--config', join(tmp, 'none.json')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(check).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
  });
});
