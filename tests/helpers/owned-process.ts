/**
 * A server process owned by one test file: started with its output kept for failure messages, readied by
 * a condition (failing at once, with that output, if the process exits first), and stopped by its PID.
 *
 *   const p = spawnOwned('named', ['-g', '-c', conf]);
 *   await p.ready('named to answer rndc status', () => rndcStatusOk(), 15_000);
 *   await p.stop();   // SIGTERM, then waits for the exit
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { waitFor } from '../../src-node/smt/testing/wait';

export interface OwnedProcess {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  ready(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnOwned(
  command: string,
  args: string[],
  opts: Pick<SpawnOptions, 'env' | 'cwd'> = {},
): OwnedProcess {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let alive = true;
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (e) => {
      spawnError = e;
      resolve(null);
    });
  });
  void exited.then(() => (alive = false));
  return {
    pid: child.pid ?? -1,
    output: () => log,
    exited,
    ready: (what, condition, timeoutMs) =>
      waitFor(
        what,
        async () => {
          if (!alive) throw new Error(`${command} exited before ${what}: ${spawnError?.message ?? log}`);
          return condition();
        },
        timeoutMs,
        50,
      ).then(() => undefined),
    stop: async (signal = 'SIGTERM') => {
      if (alive && child.pid !== undefined) process.kill(child.pid, signal);
      await exited;
    },
  };
}
