import { DhcpReservation, cidrRange } from './scope';

/**
 * Host reservations as an admin edits them (docs/reservations.md): the checks a reservation must pass
 * before a scope change is planned, each naming the reservation it is about, and the edits `smt
 * reservation` and the Reservations editor make to a scope's list.
 */

export type Reservation = { ipAddress: string; hwAddress: string; hostname?: string };
type Pool = { start: string; end: string };

/** One problem of one reservation; `index` is its place in the list checked, `field` what to fix. */
export interface ReservationProblem {
  index: number;
  field: 'ipAddress' | 'hwAddress' | 'hostname';
  /**
   * `in-pool` alone may be allowed by the admin (Kea serves in-pool reservations); every other kind
   * refuses the change.
   */
  kind: 'malformed' | 'outside-subnet' | 'in-pool' | 'duplicate-ip' | 'duplicate-mac';
  message: string;
}

const ipv4ToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const macKey = (mac: string) => mac.toLowerCase();

/** How a reservation is named in a message: by address and MAC, as the admin sees it in the list. */
export const reservationLabel = (r: Reservation) =>
  `reservation ${r.ipAddress || '(no address)'} for ${r.hwAddress || '(no MAC)'}`;

const sameReservation = (a: Reservation, b: Reservation) =>
  a.ipAddress === b.ipAddress &&
  macKey(a.hwAddress) === macKey(b.hwAddress) &&
  (a.hostname ?? '') === (b.hostname ?? '');

/**
 * Every problem of `reservations` in a scope of `subnet` with `pools`. A reservation inside a pool is a
 * problem only when it is new or changed against `base` (the intended list): Kea serves in-pool
 * reservations, but a client that already holds that address as a dynamic lease keeps it until the lease
 * expires and the reserved host gets another address meanwhile, so an admin adding one is told and must
 * allow it; one that already served is not raised again on every later edit.
 */
export function reservationProblems(
  scope: { subnet: string; pools: readonly Pool[] },
  reservations: readonly Reservation[],
  base: readonly Reservation[] = [],
): ReservationProblem[] {
  const problems: ReservationProblem[] = [];
  const [lo, hi] = cidrRange(scope.subnet);
  const byIp = new Map<string, number>();
  const byMac = new Map<string, number>();
  reservations.forEach((r, index) => {
    const label = reservationLabel(r);
    const parsed = DhcpReservation.safeParse(r);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as ReservationProblem['field'];
        const what =
          field === 'hwAddress'
            ? `"${r.hwAddress}" is not a MAC address such as 52:54:00:12:34:56`
            : field === 'ipAddress'
              ? `"${r.ipAddress}" is not an IPv4 address`
              : `"${r.hostname ?? ''}" is not a host name (letters, digits and hyphens, at most 63)`;
        problems.push({ index, field, kind: 'malformed', message: `${label}: ${what}` });
      }
      return;
    }
    const ip = ipv4ToInt(r.ipAddress);
    if (ip < lo || ip > hi) {
      problems.push({
        index,
        field: 'ipAddress',
        kind: 'outside-subnet',
        message: `${label}: ${r.ipAddress} is outside the subnet ${scope.subnet}`,
      });
    } else if (!base.some((b) => sameReservation(b, r))) {
      const pool = scope.pools.find((p) => ip >= ipv4ToInt(p.start) && ip <= ipv4ToInt(p.end));
      if (pool) {
        problems.push({
          index,
          field: 'ipAddress',
          kind: 'in-pool',
          message: `${label}: ${r.ipAddress} is inside the pool ${pool.start}-${pool.end}; a client may hold it as a lease already (allow in-pool reservations to push it anyway)`,
        });
      }
    }
    const ipTwin = byIp.get(r.ipAddress);
    if (ipTwin !== undefined) {
      problems.push({
        index,
        field: 'ipAddress',
        kind: 'duplicate-ip',
        message: `${label}: ${r.ipAddress} is already reserved for ${reservations[ipTwin]?.hwAddress}`,
      });
    } else byIp.set(r.ipAddress, index);
    const macTwin = byMac.get(macKey(r.hwAddress));
    if (macTwin !== undefined) {
      problems.push({
        index,
        field: 'hwAddress',
        kind: 'duplicate-mac',
        message: `${label}: ${r.hwAddress} already has the reservation ${reservations[macTwin]?.ipAddress}`,
      });
    } else byMac.set(macKey(r.hwAddress), index);
  });
  return problems;
}

/** The problems that refuse the change, given whether the admin allowed in-pool reservations. */
export const refusing = (problems: readonly ReservationProblem[], allowInPool: boolean) =>
  problems.filter((p) => !(allowInPool && p.kind === 'in-pool'));

/** One edit of a scope's reservations, as `smt reservation` names it. */
export type ReservationChange =
  | { op: 'add'; reservation: Reservation }
  /** The reservation of `hwAddress` (a host is known by its MAC) becomes `reservation`. */
  | { op: 'edit'; hwAddress: string; reservation: Reservation }
  | { op: 'delete'; hwAddress: string };

export class ReservationChangeError extends Error {
  override name = 'ReservationChangeError';
}

/** The list after the change; an edit or delete of a MAC with no reservation is refused by name. */
export function applyReservationChange(
  list: readonly Reservation[],
  change: ReservationChange,
): Reservation[] {
  if (change.op === 'add') return [...list, change.reservation];
  const at = list.findIndex((r) => macKey(r.hwAddress) === macKey(change.hwAddress));
  if (at < 0) throw new ReservationChangeError(`no reservation for ${change.hwAddress} in this scope`);
  return change.op === 'delete'
    ? list.filter((_, i) => i !== at)
    : list.map((r, i) => (i === at ? change.reservation : r));
}
