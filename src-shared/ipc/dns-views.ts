import { z } from 'zod';
import { DomainName } from '../config/zone';
import { LookupRrtype, RemoteId } from '../protocol';

/** Find a name across the fleet (docs/dns.md): which DNS remotes serve it and what each one's named answers. */
export const FindNameQuery = z.strictObject({
  name: DomainName,
  rrtype: LookupRrtype.default('A'),
});
export type FindNameQuery = z.input<typeof FindNameQuery>;

/**
 * One DNS remote's part of the answer:
 * - answered: its named answered (`answers` may be empty: the name has no such record there).
 * - failed: it was asked and did not answer in time, or answered with an error (`reason`).
 * - not-asked: it is offline (or not heard from since the console started): a query would only time out.
 */
export const NameAnswer = z.discriminatedUnion('state', [
  z.object({
    remoteId: RemoteId,
    state: z.literal('answered'),
    /** The zone of its served inventory that holds the name; null: no inventory from it yet, so asked anyway. */
    zone: z.string().nullable(),
    /** Sorted, so two remotes with the same records compare equal. */
    answers: z.array(z.string()),
    /** Its answers are not the ones most remotes gave. */
    differs: z.boolean(),
  }),
  z.object({
    remoteId: RemoteId,
    state: z.literal('failed'),
    zone: z.string().nullable(),
    reason: z.string(),
  }),
  z.object({
    remoteId: RemoteId,
    state: z.literal('not-asked'),
    zone: z.string().nullable(),
    status: z.enum(['offline', 'unknown']),
  }),
]);
export type NameAnswer = z.infer<typeof NameAnswer>;

export const FindNameView = z.object({
  /** The name as asked, absolute with its trailing dot. */
  name: z.string(),
  rrtype: LookupRrtype,
  /** Console clock (ms) when the answers were gathered. */
  askedAt: z.number().int().nonnegative(),
  /**
   * In remote id order: the DNS remotes whose served inventory holds a zone containing the name, and those
   * with no inventory yet (they might).
   */
  remotes: z.array(NameAnswer),
  /** DNS remotes that serve no zone holding the name: not asked, counted only. */
  notServing: z.number().int().nonnegative(),
  /** How many different answer sets the answering remotes gave: more than 1 means they disagree. */
  distinctAnswers: z.number().int().nonnegative(),
});
export type FindNameView = z.infer<typeof FindNameView>;
