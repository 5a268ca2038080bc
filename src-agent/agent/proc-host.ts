import { readFile, readdir, statfs } from 'node:fs/promises';
import { hostname, networkInterfaces, release } from 'node:os';
import { ServiceName } from '../../src-shared/protocol';
import type { Capability, HostIdentity, HostSample, HostSource } from './host-source';

/** Linux reports process start times in clock ticks; USER_HZ is 100 on every architecture Debian ships. */
const CLOCK_TICKS = 100;
const PAGE_BYTES = 4096;

export interface ProcHostOptions {
  /** The file system whose use is reported as "disk" (the state directory's). */
  diskPath: string;
  capabilities: Capability[];
  tags: string[];
  /** Where /proc, /sys and /etc are; tests point it elsewhere only for the service tag. */
  root?: string;
}

/** Values that firmware puts where a serial number should be. */
const placeholder =
  /^(|0+|none|n\/a|not specified|not applicable|to be filled by o\.e\.m\.|default string|system serial number|0{8}-0{4}-0{4}-0{4}-0{12})$/i;

const readText = (file: string) =>
  readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );

export type CpuTimes = { total: number; idle: number };

/** Total and idle jiffies of the first line of /proc/stat. */
export function cpuTimes(stat: string): CpuTimes {
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  // idle + iowait: time the CPU had nothing to run.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { total, idle };
}

/** The share of CPU time spent busy between two readings of /proc/stat, in percent (one decimal). */
export function cpuPercent(prev: CpuTimes, cpu: CpuTimes): number {
  const dt = cpu.total - prev.total;
  const pct = dt > 0 ? Math.min(100, Math.max(0, (100 * (dt - (cpu.idle - prev.idle))) / dt)) : 0;
  return Math.round(pct * 10) / 10;
}

/** "2026-11-25T05:12:00.000+01:00": the remote's wall clock with its own offset, as an IPAM shows it. */
export function localIsoTime(d: Date): string {
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, -1);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The real host, read from /proc, /sys, /etc and statfs: what an IPAM shows as system information. */
export class ProcHost implements HostSource {
  readonly mode = 'real';
  private readonly root: string;
  private lastCpu: { total: number; idle: number } | undefined;

  constructor(private readonly opts: ProcHostOptions) {
    this.root = opts.root ?? '';
  }

  async identity(): Promise<HostIdentity> {
    const osRelease = (await readText(`${this.root}/etc/os-release`)) ?? '';
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
    const ips = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a?.address ?? '')
      .filter(Boolean)
      .slice(0, 64);
    const processes = await this.processes();
    const routing = processes.some((p) => p.running && ['bgpd', 'zebra', 'ospfd'].includes(p.name));
    return {
      host: {
        hostname: hostname(),
        ips,
        serviceTag: await this.serviceTag(),
        os: pretty ?? 'Linux',
        kernel: release(),
      },
      capabilities: [...this.opts.capabilities, ...(routing ? (['routing'] as const) : [])],
      tags: this.opts.tags,
    };
  }

  /** DMI product serial, else product UUID (both root-only on most systems), else the machine id. */
  async serviceTag(): Promise<string> {
    for (const f of [
      '/sys/class/dmi/id/product_serial',
      '/sys/class/dmi/id/product_uuid',
      '/etc/machine-id',
    ]) {
      const v = await readText(`${this.root}${f}`);
      if (v !== undefined && !placeholder.test(v)) return v.slice(0, 128);
    }
    return 'unknown';
  }

  async uptimeS(): Promise<number> {
    const text = (await readText('/proc/uptime')) ?? '0';
    return Math.floor(Number(text.split(/\s+/)[0]) || 0);
  }

  async sample(now: number): Promise<HostSample> {
    const [uptime, loadavg, stat, meminfo, disk, processes] = await Promise.all([
      readText('/proc/uptime'),
      readText('/proc/loadavg'),
      readText('/proc/stat'),
      readText('/proc/meminfo'),
      statfs(this.opts.diskPath),
      this.processes(),
    ]);
    const [l1 = 0, l5 = 0, l15 = 0] = (loadavg ?? '').split(/\s+/).map(Number);
    const cpu = cpuTimes(stat ?? '');
    const prev = this.lastCpu ?? { total: 0, idle: 0 };
    this.lastCpu = cpu;
    const kB = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo ?? '')?.[1] ?? 0) * 1024;
    const memTotal = kB('MemTotal');
    return {
      localTime: localIsoTime(new Date(now)),
      uptimeS: Math.floor(Number((uptime ?? '0').split(/\s+/)[0]) || 0),
      load: [l1, l5, l15],
      cpuPct: cpuPercent(prev, cpu),
      mem: { usedBytes: Math.max(0, memTotal - kB('MemAvailable')), totalBytes: memTotal },
      disk: { usedBytes: (disk.blocks - disk.bfree) * disk.bsize, totalBytes: disk.blocks * disk.bsize },
      processes,
    };
  }

  /** Each watched service: the oldest process of that name (the daemon, not a worker it forked). */
  async processes(): Promise<HostSample['processes']> {
    const uptime = await this.uptimeS();
    const found = new Map<string, { pid: number; start: number; rss: number }>();
    const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
    await Promise.all(
      pids.map(async (pid) => {
        const stat = await readText(`/proc/${pid}/stat`);
        if (!stat) return;
        // The command name may hold spaces and parentheses: fields start after the last ')'.
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!ServiceName.safeParse(name).success) return;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const start = Number(fields[19]);
        const rss = Number(fields[21]) * PAGE_BYTES;
        const prev = found.get(name);
        if (!prev || start < prev.start) found.set(name, { pid: Number(pid), start, rss });
      }),
    );
    return ServiceName.options.map((name) => {
      const p = found.get(name);
      if (!p) return { name, running: false };
      return {
        name,
        running: true,
        pid: p.pid,
        uptimeS: Math.max(0, Math.floor(uptime - p.start / CLOCK_TICKS)),
        rssBytes: p.rss,
      };
    });
  }
}
