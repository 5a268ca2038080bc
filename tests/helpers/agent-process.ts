/**
 * `smt-agent` processes owned by one test file. Each runs in its own process group, so `killAll()` in
 * afterAll reaches tsx's child process too; `direct` runs node with tsx's loader in-process instead, so a
 * SIGKILL of `child.pid` hits the agent itself (no wrapper left to outlive it).
 *
 *   const agents = new AgentProcesses();
 *   const a = agents.start(['simulate', '--remotes', '1', '--first', '401', '--lab-dir', lab.dir]);
 *   await a.connected();
 *   agents.killAll();   // in afterAll
 *
 * An agent in `run` mode as an operator starts it (bin/smt-agent.mjs with a config file):
 *
 *   const a = agents.start(['run', '--config', file], { direct: false });
 *   await a.connectedToPrimary(RID);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LabOptions } from '../../lab/lab';
import { writeLabAgentConfig as writeAgentConfig } from '../../lab/real-remotes';
import type { AgentConfig } from '../../src-agent/agent/config';
import { waitFor } from '../../src-node/smt/testing/wait';

const root = join(import.meta.dirname, '..', '..');

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the simulator printed that all its `remotes` are connected. */
  connected(remotes?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once an agent in `run` mode printed that `rid` is connected to its primary broker. */
  connectedToPrimary(rid: string, timeoutMs?: number): Promise<void>;
}

export class AgentProcesses {
  private readonly children: ChildProcess[] = [];

  start(args: string[], opts: { direct?: boolean } = { direct: true }): AgentProcess {
    const command = opts.direct
      ? ['--import', 'tsx', join(root, 'src-agent', 'cli.ts'), ...args]
      : [join(root, 'bin', 'smt-agent.mjs'), ...args];
    const child = spawn(process.execPath, command, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      child,
      output: () => out,
      exited,
      connected: (remotes = 1, timeoutMs = 60_000) =>
        waitFor(
          'the agent process to connect',
          () => out.includes(`Simulating ${remotes} remotes (${remotes} connected)`),
          timeoutMs,
        ).then(() => undefined),
      connectedToPrimary: (rid, timeoutMs = 60_000) =>
        waitFor(
          'the agent to connect',
          () => out.includes(`remote ${rid} connected to primary`),
          timeoutMs,
        ).then(() => undefined),
    };
  }

  killAll(): void {
    for (const c of this.children) {
      // The group, even when the wrapper itself has exited: a grandchild may still be in it.
      if (!c.pid) continue;
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // The whole group has exited already.
      }
    }
  }
}

/** lab/real-remotes.ts's writeLabAgentConfig, with `extra` checked against the agent's config type. */
export const writeLabAgentConfig = (
  lab: LabOptions,
  rid: string,
  dir: string,
  extra: Partial<AgentConfig> = {},
): Promise<string> => writeAgentConfig(lab, rid, dir, extra);
