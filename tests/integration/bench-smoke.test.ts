/**
 * `npm run bench -- --quick` as a smoke check: it runs every scenario on its own private lab, exits 0 and
 * writes a result file the bench's own schema accepts, with a row or figure from each scenario. No time is
 * asserted: the figures are the bench's to report, not the test's to judge.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../bench/results';
import { rendererIndex } from '../../e2e/support/paths';

const root = join(import.meta.dirname, '..', '..');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-bench-smoke-'));
  // `npm test` builds the renderer before vitest; run alone, this file builds it.
  if (!existsSync(rendererIndex)) {
    await build({ configFile: join(root, 'src-renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run bench -- --quick', () => {
  it('runs every scenario and writes results the schema accepts', async () => {
    const file = join(dir, 'quick.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cli.ts', '--quick', '--json', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, out).toBe(0);

    const results = await readResults(file);
    expect(results.mode).toBe('quick');
    const scenarios = new Set([...results.rows, ...results.figures].map((r) => r.scenario.split(':')[0]));
    for (const s of [
      'push applied everywhere',
      'catch-up of 100 pushes',
      'failover',
      'renderer',
      'stats ingest',
      'footprint',
    ]) {
      expect([...scenarios], s).toContain(s);
    }
    // Every latency scenario that involves the broker has its baseline from the same run.
    for (const row of results.rows.filter((r) => !r.scenario.startsWith('renderer'))) {
      expect(row.baseline_p99_ms, row.scenario).not.toBeNull();
    }
    // The table is printed with every row.
    for (const row of results.rows) expect(out).toContain(row.scenario);
  }, 600_000);
});
