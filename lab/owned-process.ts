/**
 * A server process owned by whoever started it (a test file, the demo): started with its output kept for
 * failure messages, readied by a condition (failing at once, with that output, if the process exits
 * first), and stopped by its PID.
 *
 *   const p = spawnOwned('named', ['-g', '-c', conf]);
 *   await p.ready('named to answer rndc status', () => rndcStatusOk(), 15_000);
 *   await p.stop();   // SIGTERM, then waits for the exit
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface OwnedProcess {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  ready(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Output kept per process: enough for a failure message, bounded for a demo that runs for hours. */
const MAX_OUTPUT = 64 * 1024;

export function spawnOwned(
  command: string,
  args: string[],
  opts: Pick<SpawnOptions, 'env' | 'cwd' | 'detached'> = {},
): OwnedProcess {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log += d.toString();
    if (log.length > MAX_OUTPUT) log = log.slice(-MAX_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
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
    ready: async (what, condition, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!alive) throw new Error(`${command} exited before ${what}: ${spawnError?.message ?? log}`);
        if (await condition()) return;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await delay(50);
      }
    },
    stop: async (signal = 'SIGTERM') => {
      // A detached process leads its own group: the signal reaches anything it started too.
      if (alive && child.pid !== undefined) process.kill(opts.detached ? -child.pid : child.pid, signal);
      await exited;
    },
  };
}
