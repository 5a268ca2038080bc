import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths';

export interface NodeProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with every line of stdout and stderr (by default, printed when SMT_E2E_VERBOSE is set). */
  onLine?: (line: string) => void;
  /** In its own process group: a Ctrl-C in the terminal then reaches only the parent, which stops it. */
  detached?: boolean;
  /** Node options before the script, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
}

const MAX_LINES = 2000;

/**
 * A TypeScript entry point of this repo run as ONE node process (`node --import tsx`, not the `tsx` CLI,
 * which forks a child): its PID is the process that holds the connections, so a SIGKILL in a test kills
 * exactly what it means to kill.
 */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    opts: NodeProcessOptions = {},
  ) {
    this.child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: opts.detached ?? false,
    });
    const echo =
      opts.onLine ??
      (process.env.SMT_E2E_VERBOSE
        ? (line: string) => process.stderr.write(`[${name}] ${line}\n`)
        : undefined);
    if (this.child.pid === undefined) throw new Error(`${name}: could not start ${script}`);
    this.pid = this.child.pid;
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        // A long-running process (the demo's) must not grow this without bound.
        if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
        echo?.(line);
        for (const w of this.waiters) w();
      });
    }
    void this.exited.then(() => this.waiters.forEach((w) => w()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** The first line (stdout or stderr) matching `pattern`, waiting for it up to `timeoutMs`. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const m = line.match(pattern);
        if (m) return m;
      }
      if (!this.running) {
        throw new Error(`${this.name} exited before printing ${pattern}:\n${this.output()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  /** Sends `signal` to this PID and waits for the exit; SIGKILL if it outlives `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, 'SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
