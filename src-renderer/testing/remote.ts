import type { RemoteView } from '../../src-shared/ipc';

/** A remote as the core would report it, online with fresh stats at `at`, for reducer and view tests. */
export function remote(id: string, at: number, overrides: Partial<RemoteView> = {}): RemoteView {
  return {
    id,
    hostname: `${id}.example.net`,
    ips: ['192.0.2.1'],
    serviceTag: `TAG-${id}`,
    os: 'Debian GNU/Linux 12',
    kernel: '6.1.0',
    agentVersion: '0.1.0',
    mode: 'simulated',
    tags: ['site:ams', 'role:dns'],
    status: 'online',
    lastSeen: at,
    statsAt: at,
    staleAfterMs: 15_000,
    localTime: null,
    uptimeS: 100,
    load: [0.1, 0.1, 0.1],
    cpuPct: 10,
    memPct: 20,
    diskPct: 30,
    processes: [],
    ...overrides,
  };
}
