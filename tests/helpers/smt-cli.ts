/**
 * `smt` as an operator runs it: a child process on the lab's console profile and a database file,
 * run asynchronously so that a simulated fleet in the test's own process keeps answering meanwhile.
 */
import { spawn } from 'node:child_process';
import { consoleProfilePath, type LabOptions } from '../../lab/lab';

export interface SmtRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runSmt(
  on: { lab: LabOptions | undefined; db: string; passphrase: string },
  ...args: string[]
): Promise<SmtRun> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/cli/cli.ts',
      '--profile',
      consoleProfilePath(on.lab),
      '--db',
      on.db,
      ...args,
    ],
    { env: { ...process.env, SMT_PASSPHRASE: on.passphrase }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
