/**
 * `npm run bench:smoke`, the last step of `npm test`: runs `npm run bench -- --quick` into a temp file and
 * checks that it finished and wrote results that parse, with figures from every scenario. It judges no
 * time: on a shared machine times are the bench's figures (docs/performance.md), not a test's verdict.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingScenarios, readResults } from './results';
import { errorText } from '../src-shared/util/error-text';

function runQuickBench(json: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', '--quick', '--json', json], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`npm run bench -- --quick ended with ${signal ?? `exit code ${code}`}`)),
    );
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-bench-smoke-'));
  try {
    const json = join(dir, 'quick.json');
    await runQuickBench(json);
    const results = await readResults(json);
    const missing = missingScenarios(results);
    if (missing.length > 0) throw new Error(`${json} has no figures from: ${missing.join(', ')}`);
    process.stdout.write(
      `bench smoke: the quick run wrote ${results.rows.length} rows and ${results.figures.length} figures in ${results.machine.duration_s} s\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench smoke failed: ${errorText(e)}\n`);
  process.exit(1);
});
