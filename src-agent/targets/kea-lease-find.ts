import { z } from 'zod';
import {
  FoundLease,
  MAX_FOUND_LEASES,
  type FoundLeases,
  type LeaseFindQuery,
} from '../../src-shared/protocol/lease-find';
import { KEA_EMPTY, KEA_SUCCESS, KEA_UNSUPPORTED, type KeaAnswer } from './kea-control';

/** The lease_cmds command and its argument for each way of searching (Kea ARM, "lease_cmds"). */
export function keaLeaseCommand(q: LeaseFindQuery): { command: string; args: Record<string, string> } {
  switch (q.by) {
    case 'ip':
      return { command: 'lease4-get', args: { 'ip-address': q.value } };
    case 'mac':
      return { command: 'lease4-get-by-hw-address', args: { 'hw-address': q.value } };
    case 'client-id':
      return { command: 'lease4-get-by-client-id', args: { 'client-id': q.value } };
    case 'hostname':
      return { command: 'lease4-get-by-hostname', args: { hostname: q.value } };
  }
}

/** The fields of a Kea lease4 this answer carries (Kea's own names); the rest is left out. */
const KeaLease4 = z.object({
  'ip-address': z.string(),
  'hw-address': z.string().optional(),
  'client-id': z.string().optional(),
  hostname: z.string().optional(),
  'subnet-id': z.number().int().nonnegative().optional(),
  cltt: z.number().optional(),
  'valid-lft': z.number().optional(),
  state: z.number().int().optional(),
});
const STATES = ['default', 'declined', 'expired-reclaimed'] as const;

export const LEASE_CMDS_MISSING =
  'Kea cannot search leases: the lease_cmds hook (libdhcp_lease_cmds.so) is not in its hooks-libraries (docs/agent.md)';

/**
 * Kea's answer to a lease command as FoundLeases: `lease4-get` answers one lease as its arguments, the
 * by-* commands a `leases` list; "empty" (result 3) is no lease, not a failure. A lease Kea reports in a
 * form this does not read is an error naming it, not silently dropped.
 */
export function foundLeasesOf(
  q: LeaseFindQuery,
  answer: KeaAnswer,
  subnetOfId: (id: number) => string | undefined,
): FoundLeases {
  const { command } = keaLeaseCommand(q);
  if (answer.result === KEA_UNSUPPORTED) throw new Error(LEASE_CMDS_MISSING);
  if (answer.result === KEA_EMPTY) return { leases: [], truncated: false };
  if (answer.result !== KEA_SUCCESS)
    throw new Error(`Kea ${command}: ${answer.text ?? `result ${answer.result}`}`);
  const args = answer.arguments as { leases?: unknown } | undefined;
  const raw: unknown[] = q.by === 'ip' ? [args] : Array.isArray(args?.leases) ? args.leases : [];
  const leases = raw.slice(0, MAX_FOUND_LEASES).map((item) => {
    const l = KeaLease4.safeParse(item);
    if (!l.success) throw new Error(`Kea ${command} answered a lease this agent cannot read`);
    const d = l.data;
    const subnetId = d['subnet-id'] ?? null;
    return FoundLease.parse({
      ipAddress: d['ip-address'],
      hwAddress: d['hw-address'] || null,
      clientId: d['client-id'] || null,
      hostname: d.hostname || null,
      subnet: subnetId === null ? null : (subnetOfId(subnetId) ?? null),
      subnetId,
      state: STATES[d.state ?? 0] ?? 'default',
      expiresAt:
        d.cltt !== undefined && d['valid-lft'] !== undefined ? (d.cltt + d['valid-lft']) * 1000 : null,
    });
  });
  return { leases, truncated: raw.length > MAX_FOUND_LEASES };
}
