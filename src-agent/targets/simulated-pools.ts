import type { DhcpScope } from '../../src-shared/config/scope';
import type { SubnetUsage } from '../../src-shared/protocol';

/**
 * Plausible Kea address counters for simulate mode: each scope sits at a steady level of its own (a
 * hash of its prefix, so every run and every remote agrees) with a small wobble, except the one that
 * fills: it climbs from its level to full over a few hours, so the DHCP Pools view and the exhaustion
 * forecast have something to show. Pure: the caller passes the time since the simulation started.
 */

const HOUR = 3_600_000;

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** FNV-1a: a stable small hash, enough to spread levels; not for anything secret. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const poolSize = (p: { start: string; end: string }) =>
  Math.max(0, ipv4ToInt(p.end) - ipv4ToInt(p.start) + 1);

/** Which of a remote's scopes fills over time: the first by prefix, so a demo always has one. */
export function fillingScope(scopes: readonly DhcpScope[]): string | undefined {
  const base = (subnet: string) => ipv4ToInt(subnet.split('/')[0] ?? '');
  return [...scopes].map((s) => s.subnet).sort((a, b) => base(a) - base(b))[0];
}

export function simulatedSubnetUsage(scope: DhcpScope, elapsedMs: number, filling: boolean): SubnetUsage {
  const h = hash(scope.subnet);
  const pools = scope.pools.map((p, index) => {
    const total = poolSize(p);
    const level = 0.15 + ((h >>> (index % 8)) % 50) / 100; // 15 % to 64 %
    const wobble = 0.03 * Math.sin(elapsedMs / (20 * 60_000) + index + (h % 7));
    // The filling scope reaches full in 2 to 6 hours from its own level; then it stays full.
    const fillHours = 2 + (h % 5);
    const fraction = filling
      ? Math.min(1, level + ((1 - level) * elapsedMs) / (fillHours * HOUR))
      : Math.max(0, Math.min(1, level + wobble));
    const assigned = Math.round(total * fraction);
    const declined = Math.min(assigned, (h + index) % 3);
    return { index, total, assigned, declined, range: `${p.start}-${p.end}` };
  });
  const sum = (k: 'total' | 'assigned' | 'declined') => pools.reduce((n, p) => n + p[k], 0);
  return {
    id: scope.id,
    subnet: scope.subnet,
    total: sum('total'),
    assigned: sum('assigned'),
    declined: sum('declined'),
    ...(pools.length > 0 ? { pools: pools.slice(0, 64) } : {}),
  };
}
