import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { machineFacts } from './machine';
import { missingScenarios, readResults, writeResults, type BenchResults } from './results';
import { figure, latencyRow } from './rows';
import { resultsTable } from './table';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const sample = (): BenchResults => ({
  machine: machineFacts().end(),
  mode: 'quick',
  rows: [
    latencyRow(
      'push applied everywhere',
      500,
      { runs: 100, p50: 400, p95: 600, p99: 900, max: 950 },
      { runs: 100, p50: 350, p95: 500, p99: 800, max: 820 },
      { p99: 1000, ratio: 1.25 },
    ),
    latencyRow(
      'renderer: filter keystroke to paint',
      10_000,
      { runs: 40, p50: 20, p95: 40, p99: 60, max: 60 },
      null,
      {
        p99: 50,
        ratio: null,
      },
    ),
  ],
  figures: [
    figure('stats ingest', 1000, 'console core CPU', 12.345, '% of a core', { baseline: 3, targetMax: 15 }),
  ],
  failures: [],
});

describe('bench results', () => {
  it('judges each row against its targets from the same run', () => {
    const [push, keystroke] = sample().rows;
    expect(push).toMatchObject({ ratio: 1.13, met: true, baseline_p99_ms: 800 });
    expect(keystroke).toMatchObject({ ratio: null, met: false, baseline_p99_ms: null });
    expect(sample().figures[0]).toMatchObject({ value: 12.35, met: true });
  });

  it('writes what the schema accepts and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smt-bench-results-'));
    dirs.push(dir);
    const file = join(dir, 'out', 'latest.json');
    const results = sample();
    await writeResults(file, results);
    expect(await readResults(file)).toEqual(results);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('rows.0.baseline_p99_ms', 800);
  });

  it('refuses a result that does not fit, naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smt-bench-results-'));
    dirs.push(dir);
    const bad = { ...sample(), rows: [{ ...sample().rows[0], p99_ms: -1 }] };
    await expect(writeResults(join(dir, 'x.json'), bad as BenchResults)).rejects.toThrow(/p99_ms/);
    await writeFile(join(dir, 'y.json'), JSON.stringify({ machine: {}, rows: [] }));
    await expect(readResults(join(dir, 'y.json'))).rejects.toThrow(/not a bench result/);
  });

  it('prints one table with every row and figure and its verdict', () => {
    const text = resultsTable(sample());
    expect(text).toMatch(
      /push applied everywhere\s+500\s+100\s+400\s+600\s+900\s+950\s+800\s+1\.13\s+≤ 1000 ms, ≤ 1\.25×\s+met/,
    );
    expect(text).toMatch(/renderer: filter keystroke to paint .* MISSED/);
    expect(text).toMatch(/stats ingest: console core CPU\s+1000\s+12\.3 % of a core\s+3\.00 % of a core/);
  });

  it('prints a scenario that failed under the table', () => {
    const text = resultsTable({ ...sample(), failures: [{ scenario: 'failover', error: 'timed out' }] });
    expect(text).toMatch(/\nFAILED failover: timed out\n/);
  });

  it('names the scenarios a result has no figures from (the smoke check in npm test)', () => {
    expect(missingScenarios(sample())).toEqual(['footprint', 'catch-up', 'failover', 'soak']);
  });
});
