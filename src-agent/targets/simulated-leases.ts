import type { DhcpScope } from '../../src-shared/config/scope';
import {
  MAX_FOUND_LEASES,
  type FoundLease,
  type FoundLeases,
  type LeaseFindQuery,
} from '../../src-shared/protocol/lease-find';

/** How many addresses of each pool a simulated server has handed out: enough to search, few to read. */
const LEASED_PER_POOL = 3;
const DEFAULT_LIFETIME_S = 3600;

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIpv4 = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const hex = (n: number) => n.toString(16).padStart(2, '0');

/**
 * The leases a simulated DHCP server holds: one per reservation, and the first addresses of each pool
 * taken by clients whose MAC (locally administered, 02:00 and the address's bytes), client id (type 1
 * and the MAC) and hostname (sim-<c>-<d>) follow from the address, so a test or demo can search them
 * without knowing more than the scope.
 */
export function simulatedLeases(scopes: Iterable<DhcpScope>, now: number): FoundLease[] {
  const out: FoundLease[] = [];
  for (const scope of scopes) {
    const expiresAt = now + (scope.validLifetimeS ?? DEFAULT_LIFETIME_S) * 1000;
    const base = { subnet: scope.subnet, subnetId: scope.id, state: 'default' as const, expiresAt };
    const reserved = new Set(scope.reservations.map((r) => r.ipAddress));
    for (const r of scope.reservations) {
      const mac = r.hwAddress.toLowerCase();
      out.push({
        ...base,
        ipAddress: r.ipAddress,
        hwAddress: mac,
        clientId: `01:${mac}`,
        hostname: r.hostname ?? null,
      });
    }
    for (const pool of scope.pools) {
      const first = ipv4ToInt(pool.start);
      const last = Math.min(ipv4ToInt(pool.end), first + LEASED_PER_POOL - 1);
      for (let n = first; n <= last; n++) {
        const ip = intToIpv4(n);
        if (reserved.has(ip)) continue;
        const bytes = ip.split('.').map(Number);
        const mac = ['02', '00', ...bytes.map(hex)].join(':');
        out.push({
          ...base,
          ipAddress: ip,
          hwAddress: mac,
          clientId: `01:${mac}`,
          hostname: `sim-${bytes[2]}-${bytes[3]}`,
        });
      }
    }
  }
  return out;
}

/** Lease search over simulated leases, matching as Kea does (exact value, hostnames without case). */
export function findSimulatedLeases(leases: FoundLease[], q: LeaseFindQuery): FoundLeases {
  const field = { ip: 'ipAddress', mac: 'hwAddress', 'client-id': 'clientId', hostname: 'hostname' } as const;
  const found = leases.filter((l) => l[field[q.by]]?.toLowerCase() === q.value);
  return { leases: found.slice(0, MAX_FOUND_LEASES), truncated: found.length > MAX_FOUND_LEASES };
}
