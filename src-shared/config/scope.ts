import { z } from 'zod';

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** The first and last address of an IPv4 CIDR block, as integers. */
export function cidrRange(cidr: string): [number, number] {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipv4ToInt(base) / size) * size;
  return [first, first + size - 1];
}

export const DhcpOption = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a Kea option name such as routers or domain-name-servers'),
  data: z.string().max(1024),
});

export const DhcpPool = z.object({ start: z.ipv4(), end: z.ipv4() });

export const DhcpReservation = z.object({
  hwAddress: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, 'a MAC address such as 52:54:00:12:34:56'),
  ipAddress: z.ipv4(),
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,63}$/)
    .optional(),
});

/**
 * One DHCPv4 scope as an IPAM pushes it. Checks that need the whole scope (pools inside the subnet, no
 * overlaps, reservations inside the subnet and unique) are here so an admin hears of them before a push.
 */
export const DhcpScope = z
  .object({
    subnet: z.cidrv4(),
    /** Kea's subnet id; stable per subnet so leases survive a change of the scope. */
    id: z.number().int().min(1).max(4_294_967_294),
    pools: z.array(DhcpPool).max(256),
    options: z.array(DhcpOption).max(128).default([]),
    reservations: z.array(DhcpReservation).max(10_000).default([]),
    validLifetimeS: z.number().int().min(60).max(31_536_000).optional(),
  })
  .superRefine((scope, ctx) => {
    const [lo, hi] = cidrRange(scope.subnet);
    const inside = (ip: string) => ipv4ToInt(ip) >= lo && ipv4ToInt(ip) <= hi;
    const ranges: [number, number, number][] = [];
    scope.pools.forEach((p, i) => {
      const [s, e] = [ipv4ToInt(p.start), ipv4ToInt(p.end)];
      if (s > e)
        ctx.addIssue({
          code: 'custom',
          path: ['pools', i],
          message: `pool ${p.start}-${p.end} ends before it starts`,
        });
      if (!inside(p.start) || !inside(p.end)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pools', i],
          message: `pool ${p.start}-${p.end} is outside ${scope.subnet}`,
        });
      }
      for (const [os, oe, j] of ranges) {
        if (s <= oe && os <= e)
          ctx.addIssue({
            code: 'custom',
            path: ['pools', i],
            message: `pool ${p.start}-${p.end} overlaps pool ${j + 1}`,
          });
      }
      ranges.push([s, e, i]);
    });
    const seenIp = new Set<string>();
    const seenMac = new Set<string>();
    scope.reservations.forEach((r, i) => {
      if (!inside(r.ipAddress)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reservations', i],
          message: `reservation ${r.ipAddress} is outside ${scope.subnet}`,
        });
      }
      if (seenIp.has(r.ipAddress))
        ctx.addIssue({
          code: 'custom',
          path: ['reservations', i],
          message: `${r.ipAddress} is reserved twice`,
        });
      if (seenMac.has(r.hwAddress.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['reservations', i],
          message: `${r.hwAddress} has two reservations`,
        });
      }
      seenIp.add(r.ipAddress);
      seenMac.add(r.hwAddress.toLowerCase());
    });
  });
export type DhcpScope = z.infer<typeof DhcpScope>;
