import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcHost, cpuPercent, cpuTimes, localIsoTime } from './proc-host';

const proc = async (file: string) => readFile(file, 'utf8');
const kB = (meminfo: string, key: string) =>
  Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1]) * 1024;

describe('ProcHost', () => {
  const host = new ProcHost({ diskPath: tmpdir(), capabilities: ['dns'], tags: ['site:test'] });

  it('reports memory, uptime and load as /proc shows them', async () => {
    const sample = await host.sample(Date.now());
    const [meminfo, uptime, loadavg] = await Promise.all([
      proc('/proc/meminfo'),
      proc('/proc/uptime'),
      proc('/proc/loadavg'),
    ]);
    const total = kB(meminfo, 'MemTotal');
    expect(sample.mem.totalBytes).toBe(total);
    // Memory moves between two reads; 5 % of the total is far more than a test run changes.
    expect(Math.abs(sample.mem.usedBytes - (total - kB(meminfo, 'MemAvailable')))).toBeLessThan(total * 0.05);
    expect(Math.abs(sample.uptimeS - Number(uptime.split(' ')[0]))).toBeLessThanOrEqual(2);
    const load = loadavg.split(' ').slice(0, 3).map(Number);
    sample.load.forEach((l, i) => expect(Math.abs(l - (load[i] ?? 0))).toBeLessThan(1));
    expect(sample.cpuPct).toBeGreaterThanOrEqual(0);
    expect(sample.cpuPct).toBeLessThanOrEqual(100);
    expect(sample.disk.totalBytes).toBeGreaterThan(0);
    expect(sample.disk.usedBytes).toBeLessThanOrEqual(sample.disk.totalBytes);
    expect(sample.processes.map((p) => p.name)).toEqual([
      'named',
      'kea-dhcp4',
      'kea-dhcp6',
      'bgpd',
      'zebra',
      'ospfd',
    ]);
  });

  it('measures CPU use between two readings of /proc/stat', () => {
    // user nice system idle iowait irq softirq steal, in jiffies; no clock or busy loop involved.
    const before = cpuTimes('cpu  100 0 50 800 50 0 0 0\ncpu0 1 2 3 4');
    const after = cpuTimes('cpu  400 0 100 1100 100 0 0 0');
    expect(before).toEqual({ total: 1000, idle: 850 });
    // 700 jiffies passed, 350 of them idle or waiting.
    expect(cpuPercent(before, after)).toBe(50);
    expect(cpuPercent(after, after)).toBe(0);
    expect(cpuPercent(before, cpuTimes('cpu  300 0 50 850 50 0 0 0'))).toBe(80);
  });

  it('a second sample reads a CPU share from the real /proc/stat', async () => {
    await host.sample(Date.now());
    const second = await host.sample(Date.now());
    expect(second.cpuPct).toBeGreaterThanOrEqual(0);
    expect(second.cpuPct).toBeLessThanOrEqual(100);
  });

  it('names the host, its addresses, OS and a service tag', async () => {
    const id = await host.identity();
    expect(id.host.hostname.length).toBeGreaterThan(0);
    expect(id.host.ips).not.toContain('127.0.0.1');
    const osRelease = await proc('/etc/os-release');
    expect(osRelease).toContain(id.host.os);
    expect(id.host.serviceTag.length).toBeGreaterThan(0);
    expect(id.capabilities).toContain('dns');
    expect(id.tags).toEqual(['site:test']);
  });

  it('takes the DMI serial, skips firmware placeholders, and falls back to the machine id', async () => {
    const root = await mkdtemp(join(tmpdir(), 'smt-dmi-'));
    try {
      const dmi = join(root, 'sys/class/dmi/id');
      await mkdir(dmi, { recursive: true });
      await mkdir(join(root, 'etc'));
      await writeFile(join(root, 'etc/machine-id'), 'abc123\n');
      const tag = () => new ProcHost({ diskPath: root, capabilities: [], tags: [], root }).serviceTag();
      expect(await tag()).toBe('abc123');
      await writeFile(join(dmi, 'product_serial'), 'To be filled by O.E.M.\n');
      await writeFile(join(dmi, 'product_uuid'), '4c4c4544-0042-3510-8052-b4c04f4e4d32\n');
      expect(await tag()).toBe('4c4c4544-0042-3510-8052-b4c04f4e4d32');
      await writeFile(join(dmi, 'product_serial'), 'CZ1234ABCD\n');
      expect(await tag()).toBe('CZ1234ABCD');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('writes local time with the UTC offset', () => {
    const t = localIsoTime(new Date('2026-01-02T03:04:05.678Z'));
    expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(new Date(t).getTime()).toBe(new Date('2026-01-02T03:04:05.678Z').getTime());
  });
});
