import { MAX_USAGE_POOLS, MAX_USAGE_SUBNETS, type SubnetUsage } from '../../src-shared/protocol';

/**
 * Kea's statistic-get-all answer read per subnet: `subnet[ID].total-addresses`, `.assigned-addresses`,
 * `.declined-addresses` and, where Kea keeps them (2.4+; Debian 12's 2.2 does not), the same per pool as
 * `subnet[ID].pool[N].…`. Each statistic is a list of [value, time], newest first. Kea counts a declined
 * address as assigned too, so utilisation is assigned / total.
 */

/** What the parser needs of a subnet in Kea's running config: its id, prefix and pools in Kea's order. */
export interface KeaSubnetRef {
  id: number;
  subnet?: string;
  pools?: readonly string[];
}

const STAT = /^subnet\[(\d+)\]\.(?:pool\[(\d+)\]\.)?(total-addresses|assigned-addresses|declined-addresses)$/;

const latest = (samples: unknown): number | undefined => {
  const value: unknown = Array.isArray(samples) && Array.isArray(samples[0]) ? samples[0][0] : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
};

interface Counts {
  total: number;
  assigned: number;
  declined: number;
}

const field = {
  'total-addresses': 'total',
  'assigned-addresses': 'assigned',
  'declined-addresses': 'declined',
} as const;

const utilisation = (c: Counts) => (c.total > 0 ? c.assigned / c.total : 0);

/**
 * The subnets Kea keeps statistics for, named from its config where it can be; a subnet with no
 * total-addresses statistic is left out (Kea has not counted it yet). More than MAX_USAGE_SUBNETS: the
 * fullest are kept, since those are the ones an admin must see.
 */
export function subnetUsageOf(
  stats: Record<string, unknown>,
  config: readonly KeaSubnetRef[] = [],
): SubnetUsage[] {
  const subnets = new Map<number, Partial<Counts> & { pools: Map<number, Partial<Counts>> }>();
  for (const [name, samples] of Object.entries(stats)) {
    const m = STAT.exec(name);
    const value = latest(samples);
    if (m === null || value === undefined) continue;
    const id = Number(m[1]);
    if (id <= 0) continue;
    let s = subnets.get(id);
    if (s === undefined) subnets.set(id, (s = { pools: new Map() }));
    const key = field[m[3] as keyof typeof field];
    if (m[2] === undefined) s[key] = value;
    else {
      const index = Number(m[2]);
      const pool = s.pools.get(index) ?? {};
      pool[key] = value;
      s.pools.set(index, pool);
    }
  }
  const byId = new Map(config.map((c) => [c.id, c]));
  const complete = (c: Partial<Counts>): Counts | undefined =>
    c.total === undefined
      ? undefined
      : { total: c.total, assigned: c.assigned ?? 0, declined: c.declined ?? 0 };
  const out: SubnetUsage[] = [];
  for (const [id, s] of subnets) {
    const counts = complete(s);
    if (counts === undefined) continue;
    const ref = byId.get(id);
    const pools = [...s.pools]
      .sort(([a], [b]) => a - b)
      .slice(0, 64)
      .flatMap(([index, p]) => {
        const c = complete(p);
        const range = ref?.pools?.[index]?.replace(/\s/g, '');
        return c === undefined ? [] : [{ index, ...c, ...(range ? { range: range.slice(0, 64) } : {}) }];
      });
    out.push({
      id,
      ...(ref?.subnet !== undefined ? { subnet: ref.subnet } : {}),
      ...counts,
      ...(pools.length > 0 ? { pools } : {}),
    });
  }
  out.sort((a, b) => utilisation(b) - utilisation(a));
  if (out.length > MAX_USAGE_SUBNETS) out.length = MAX_USAGE_SUBNETS;
  // Pool detail within the message's budget, fullest subnets first; the rest report the subnet only.
  let budget = MAX_USAGE_POOLS;
  for (const s of out) {
    const n = s.pools?.length ?? 0;
    if (n === 0) continue;
    if (n <= budget) budget -= n;
    else delete s.pools;
  }
  return out.sort((a, b) => a.id - b.id);
}
