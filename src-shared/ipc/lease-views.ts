import { z } from 'zod';
import { RemoteId } from '../protocol/ids';
import { FoundLease, LeaseFindBy } from '../protocol/lease-find';

/**
 * Lease search (docs/dhcp.md): what an admin typed, and `by` when they said what it is; the core reads
 * the value (leaseFindOf) and refuses a malformed one with what is wrong, before anything is sent.
 */
export const LeaseSearchRequest = z.object({
  value: z.string().max(800),
  by: LeaseFindBy.optional(),
});
export type LeaseSearchRequest = z.infer<typeof LeaseSearchRequest>;

/** One lease found, on the remote that holds it; `expiresAt` is on the remote's clock. */
export const LeaseSearchRow = FoundLease.extend({ remoteId: RemoteId });
export type LeaseSearchRow = z.infer<typeof LeaseSearchRow>;

export const LeaseSearchView = z.object({
  /** The search as sent: the kind, and the value in its canonical form. */
  by: LeaseFindBy,
  value: z.string(),
  results: z.array(LeaseSearchRow),
  /** The online DHCPv4 remotes asked. */
  asked: z.array(RemoteId),
  /** DHCPv4 remotes not online: not asked, so a lease they hold is not in the results. */
  offline: z.array(RemoteId),
  /** Asked, and no lease list came back: no answer in time, an error (Kea without lease_cmds), a bad answer. */
  failed: z.array(z.object({ remoteId: RemoteId, error: z.string() })),
  /** Remotes that had more leases than one answer carries (MAX_FOUND_LEASES). */
  truncated: z.array(RemoteId),
});
export type LeaseSearchView = z.infer<typeof LeaseSearchView>;
