import type { Body, ServiceName } from '../../src-shared/protocol';

type HostInfo = Body<'hello'>['host'];
type Capability = Body<'hello'>['capabilities'][number];
type Stats = Omit<Body<'stats'>, 'seq'>;

const GiB = 1024 ** 3;
const roles = ['dns', 'dhcp', 'ddi'] as const;
const sites = ['fra1', 'ams2', 'par1', 'lon3'] as const;

interface Proc {
  name: ServiceName;
  pid: number;
  startedAt: number;
  rssBytes: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The role of the simulated host with this index: DNS, DHCP and DDI (both) in turn. */
export const simulatedRole = (index: number): (typeof roles)[number] => roles[index % roles.length] ?? 'dns';

/** Whether the simulated host with this index serves DNS zones or DHCPv4 scopes. */
export const simulatedServes = (index: number, service: 'dns' | 'dhcp4'): boolean =>
  service === 'dns' ? simulatedRole(index) !== 'dhcp' : simulatedRole(index) !== 'dns';

/**
 * One simulated DDI server: what it is (role, addresses, services) follows from its index, how it
 * behaves (CPU, memory, load, restarts) from random walks, so a fleet looks alive and stays stable
 * across restarts of the simulator.
 */
export class SimulatedHost {
  readonly role: (typeof roles)[number];
  readonly site: string;
  private readonly cores: number;
  private readonly memTotal: number;
  private readonly diskTotal: number;
  private readonly bootedAt: number;
  private readonly procs: Proc[];
  private cpu: number;
  private memUsed: number;
  private diskUsed: number;
  private load: [number, number, number];
  private nextPid: number;

  constructor(
    readonly index: number,
    private readonly random: () => number,
    now: number,
  ) {
    this.role = simulatedRole(index);
    this.site = sites[Math.floor(index / roles.length) % sites.length] ?? 'fra1';
    this.cores = [2, 4, 8][index % 3] ?? 4;
    this.memTotal = ([4, 8, 16][index % 3] ?? 8) * GiB;
    this.diskTotal = ([64, 128, 256][index % 3] ?? 128) * GiB;
    this.bootedAt = now - Math.floor((1 + random() * 89) * 86_400_000);
    this.cpu = 5 + random() * 30;
    this.memUsed = this.memTotal * (0.3 + random() * 0.3);
    this.diskUsed = this.diskTotal * (0.2 + random() * 0.5);
    const l = (this.cpu / 100) * this.cores;
    this.load = [l, l, l];
    this.nextPid = 400 + Math.floor(random() * 2000);
    this.procs = this.services().map((name) =>
      this.spawn(name, this.bootedAt + random() * (now - this.bootedAt)),
    );
  }

  get number(): string {
    return String(this.index).padStart(4, '0');
  }

  services(): ServiceName[] {
    const main: ServiceName[] =
      this.role === 'dns' ? ['named'] : this.role === 'dhcp' ? ['kea-dhcp4'] : ['named', 'kea-dhcp4'];
    // Every other DNS-serving host announces an anycast address through FRR.
    const anycast = this.role !== 'dhcp' && this.index % 2 === 0;
    return anycast ? [...main, 'zebra', 'bgpd', 'ospfd'] : main;
  }

  capabilities(): Capability[] {
    const caps: Capability[] = [];
    if (simulatedServes(this.index, 'dns')) caps.push('dns');
    if (simulatedServes(this.index, 'dhcp4')) caps.push('dhcp4');
    if (this.services().includes('bgpd')) caps.push('routing');
    return caps;
  }

  tags(): string[] {
    return [`site:${this.site}`, `role:${this.role}`, 'env:lab'];
  }

  hostInfo(): HostInfo {
    const n = this.index;
    return {
      hostname: `${this.role}-${this.number}.lab.example`,
      ips: [`10.0.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`, `2001:db8::${n.toString(16)}`],
      serviceTag: `SIM${n.toString(36).toUpperCase().padStart(4, '0')}`,
      os: 'Debian GNU/Linux 12',
      kernel: '6.1.0-28-amd64',
    };
  }

  uptimeS(now: number): number {
    return Math.floor((now - this.bootedAt) / 1000);
  }

  /** Restarts one service: new PID, uptime back to zero. */
  restart(name: ServiceName, now: number): void {
    const i = this.procs.findIndex((p) => p.name === name);
    if (i >= 0) this.procs[i] = this.spawn(name, now);
  }

  /** One sample, `dtMs` after the previous one. */
  sample(now: number, dtMs: number): Stats {
    const r = this.random;
    this.cpu = clamp(this.cpu + (r() - 0.5) * 10 + (20 - this.cpu) * 0.05, 1, 97);
    this.memUsed = clamp(
      this.memUsed + (r() - 0.5) * 0.02 * this.memTotal,
      0.2 * this.memTotal,
      0.92 * this.memTotal,
    );
    this.diskUsed = clamp(this.diskUsed + r() * 2e-6 * this.diskTotal, 0, 0.98 * this.diskTotal);
    // Load averages follow the run queue with the kernel's 1, 5 and 15 minute decays.
    const runQueue = (this.cpu / 100) * this.cores * (0.8 + r() * 0.4);
    this.load = this.load.map((l, i) => {
      const decay = Math.exp(-dtMs / ([60, 300, 900][i] ?? 60) / 1000);
      return Math.round((l * decay + runQueue * (1 - decay)) * 100) / 100;
    }) as [number, number, number];
    for (const p of this.procs) {
      p.rssBytes = clamp(p.rssBytes * (1 + (r() - 0.5) * 0.02), 20e6, 2e9);
      if (r() < 0.002) this.restart(p.name, now);
    }
    return {
      localTime: new Date(now).toISOString().replace('Z', '+00:00'),
      uptimeS: this.uptimeS(now),
      load: this.load,
      cpuPct: Math.round(this.cpu * 10) / 10,
      mem: { usedBytes: Math.round(this.memUsed), totalBytes: this.memTotal },
      disk: { usedBytes: Math.round(this.diskUsed), totalBytes: this.diskTotal },
      processes: this.procs.map((p) => ({
        name: p.name,
        running: true,
        pid: p.pid,
        uptimeS: Math.max(0, Math.floor((now - p.startedAt) / 1000)),
        rssBytes: Math.round(p.rssBytes),
      })),
    };
  }

  private spawn(name: ServiceName, startedAt: number): Proc {
    const rss = name === 'named' ? 180e6 : name === 'kea-dhcp4' ? 60e6 : 25e6;
    return { name, pid: this.nextPid++, startedAt, rssBytes: rss * (0.8 + this.random() * 0.4) };
  }
}
