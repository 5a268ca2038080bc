/**
 * CPU time and memory of a process as the kernel counts them (/proc/<pid>/stat and status), so the
 * console core, the agent and the simulator are measured each in its own process, not by the bench that
 * drives them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime (USER_HZ). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime, in seconds, from the text of /proc/<pid>/stat. */
export function parseCpuSeconds(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line are the 12th and 13th after the name (state is the 1st).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable stat line: ${stat}`);
  return (utime + stime) / ticksPerSecond;
}

/** VmRSS and VmHWM (peak), in bytes, from the text of /proc/<pid>/status. */
export function parseMemory(status: string): { rss: number; peak: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${key} in /proc status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const cpuSeconds = (pid: number) => parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
export const memory = (pid: number) => parseMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));

export interface Usage {
  /** CPU time over wall time: 1 is one core busy all the time. */
  cpuShare: number;
  rssBytes: number;
  peakRssBytes: number;
  seconds: number;
}

/** Starts counting a process's CPU time now; `end()` gives its share of one core since, and its memory. */
export function measureProcess(pid: number): { end(): Usage } {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  return {
    end: () => {
      const seconds = (performance.now() - t0) / 1000;
      const mem = memory(pid);
      return {
        cpuShare: (cpuSeconds(pid) - cpu0) / seconds,
        rssBytes: mem.rss,
        peakRssBytes: mem.peak,
        seconds,
      };
    },
  };
}

export const MiB = 1024 * 1024;
