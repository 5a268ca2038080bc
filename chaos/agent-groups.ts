/**
 * The simulated fleet as several `smt-agent simulate` processes (AgentProcesses), each with its remotes'
 * ledgers on disk under one state directory: an agent kill is a SIGKILL of a real process, and the
 * restart is a new process that reopens those ledgers. Each start may carry offline windows (the
 * simulator's `offline=AFTER/FOR` switch) for its remotes.
 */
import { AgentProcesses, type AgentProcess } from '../tests/helpers/agent-process';
import type { OfflineWindow } from './plan';

export interface GroupOptions {
  labDir: string;
  stateDir: string;
  /** Remote ids of each process, consecutive (r-<first> … as the simulator numbers them). */
  groups: readonly (readonly string[])[];
}

interface Life {
  process: AgentProcess;
  startedAt: number;
  offline: readonly OfflineWindow[];
  /** Its output is in pastOutput and its offline windows are counted. */
  ended: boolean;
}

export class AgentGroups {
  private readonly procs = new AgentProcesses();
  private readonly lives: Life[][];
  /** Output of processes that have ended, per group, so failures can still quote them. */
  private readonly pastOutput: string[];
  private frozen: { text: string; running: boolean }[] | undefined;
  /** Offline windows whose drop happened before their process ended. */
  offlineBegun = 0;
  kills = 0;

  constructor(private readonly opts: GroupOptions) {
    this.lives = opts.groups.map(() => []);
    this.pastOutput = opts.groups.map(() => '');
  }

  get size(): number {
    return this.opts.groups.length;
  }

  /** How many times the group's process was started (the index of its next life). */
  starts(group: number): number {
    return this.lives[group]?.length ?? 0;
  }

  running(group: number): boolean {
    const p = this.lives[group]?.at(-1)?.process.child;
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }

  /** Starts the group's next life; `connected` resolves when all its remotes connected once. */
  start(group: number, offline: readonly OfflineWindow[]): AgentProcess {
    const ids = this.opts.groups[group];
    if (!ids?.[0]) throw new Error(`no agent group ${group}`);
    const faults = offline.map((w) => `${w.remote}:offline=${w.afterMs}/${w.forMs}`).join(',');
    const process = this.procs.start([
      'simulate',
      ...['--remotes', String(ids.length), '--first', ids[0].slice(2)],
      ...['--lab-dir', this.opts.labDir, '--state-dir', this.opts.stateDir],
      // Stats are not what this run is about; presence keeps the console's view of who is online.
      ...['--stats-interval-ms', '60000', '--presence-interval-ms', '5000'],
      // Its connection's sessions opened, refused and lost, for the evidence of a straggler.
      '--verbose',
      ...(faults ? ['--faults', faults] : []),
    ]);
    this.lives[group]?.push({ process, startedAt: Date.now(), offline, ended: false });
    return process;
  }

  /** SIGKILL, as a crash or power loss would; resolves once the process is gone. */
  async kill(group: number): Promise<void> {
    const life = this.lives[group]?.at(-1);
    if (!life || !this.running(group)) throw new Error(`agent group ${group} is not running`);
    life.process.child.kill('SIGKILL');
    await life.process.exited;
    this.kills++;
    this.ended(group, life);
  }

  /** SIGTERM to every running process (each says goodbye for its remotes), then SIGKILL what is left. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.lives.map(async (lives, group) => {
        const life = lives.at(-1);
        if (!life || !this.running(group)) return;
        life.process.child.kill('SIGTERM');
        await life.process.exited;
        this.ended(group, life);
      }),
    );
    this.procs.killAll();
  }

  /**
   * Each group's output so far and whether its process is up, kept for `evidence`: taken at the end of
   * the settle, so the goodbyes of the final stop do not read as the state the remotes were in.
   */
  snapshot(): void {
    this.frozen = this.lives.map((lives, group) => {
      const current = lives.at(-1);
      const text = this.pastOutput[group] + (current && !current.ended ? current.process.output() : '');
      return { text, running: this.running(group) };
    });
  }

  /** Last lines of the group's output (all its lives) that name this remote, and its last summary line. */
  evidence(group: number, remote: string, maxLines = 8): string[] {
    const frozen = this.frozen?.[group];
    if (!frozen) return [`agent process ${group}: no snapshot of its output`];
    const lines = frozen.text.split('\n');
    const about = lines.filter((l) => l.includes(remote)).slice(-maxLines);
    const summary = lines.filter((l) => l.startsWith('connected ')).at(-1);
    const state = frozen.running
      ? 'running at the end of the settle'
      : 'not running at the end of the settle';
    return [`agent process ${group} ${state}; last summary: ${summary ?? 'none'}`, ...about];
  }

  /** The pid of each group's current process, named "agent process N". */
  pids(): Map<number, string> {
    const out = new Map<number, string>();
    this.lives.forEach((lives, group) => {
      const pid = lives.at(-1)?.process.child.pid;
      if (pid !== undefined && this.running(group)) out.set(pid, `agent process ${group}`);
    });
    return out;
  }

  remoteIds(): string[] {
    return this.opts.groups.flat();
  }

  groupOf(remote: string): number {
    return this.opts.groups.findIndex((g) => g.includes(remote));
  }

  private ended(group: number, life: Life): void {
    if (life.ended) return;
    life.ended = true;
    const lived = Date.now() - life.startedAt;
    this.offlineBegun += life.offline.filter((w) => w.afterMs < lived).length;
    this.pastOutput[group] += `${life.process.output()}\n--- process ended ---\n`;
  }
}
