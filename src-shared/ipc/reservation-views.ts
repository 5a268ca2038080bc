import { z } from 'zod';
import { DhcpScope } from '../config/scope';
import { RemoteId } from '../protocol';
import { ObjectKey } from './inventory-views';

/**
 * Host reservations (docs/reservations.md): the intended scope an admin edits, and the edited list the
 * console turns into an ordinary planned push (preview, canary, exactly-once on the push path).
 */

const Version = z.number().int().positive();
const ScopeKey = ObjectKey.refine((k) => k.startsWith('scope:'), 'a scope key such as scope:10.0.0.0/24');

export const IntendedScopeQuery = z.strictObject({ key: ScopeKey });

/** The scope as this profile last applied it: what the Reservations editor starts from. */
export const IntendedScopeView = z.object({
  key: ScopeKey,
  /** The intended version the edit is based on; planReservations refuses if it moved meanwhile. */
  version: Version,
  scope: DhcpScope,
  /** The remotes a change goes to: every remote the scope is on (not those serving it unowned). */
  remoteIds: z.array(RemoteId),
});
export type IntendedScopeView = z.infer<typeof IntendedScopeView>;

/**
 * One reservation as typed: only lengths are bounded here, so that a malformed MAC, address or host name
 * is refused by reservationProblems with a message naming the reservation, not by a generic schema error.
 */
export const ReservationInput = z.strictObject({
  ipAddress: z.string().max(64),
  hwAddress: z.string().max(64),
  hostname: z.string().max(253).optional(),
});

export const ReservationsPlanQuery = z.strictObject({
  key: ScopeKey,
  /** IntendedScopeView.version as the editor read it. */
  baseVersion: Version,
  /** The scope's whole list after the edit. */
  reservations: z.array(ReservationInput).max(10_000),
  /** Push reservations inside a pool anyway (Kea serves them; see reservationProblems). */
  allowInPool: z.boolean().optional(),
});
export type ReservationsPlanQuery = z.infer<typeof ReservationsPlanQuery>;
