import { z } from 'zod';
import { HaRelationship, RemoteId } from '../protocol';

/**
 * Kea high availability fleet-wide (docs/dhcp.md, "HA"): the two servers of an HA relationship paired
 * by the peers their HA hook lists, each side as its remote last reported it, and a verdict on the pair.
 */

const EpochMs = z.number().int().nonnegative();

/** A side older than this is stale: its remote stopped reporting (offline, agent down). */
export const HA_STALE_AFTER_MS = 2 * 60_000;

/** What a pair is judged to be (src-shared/ha/judge-pair.ts). */
export const HaVerdict = z.enum(['healthy', 'partner-down', 'disagree', 'transition', 'unknown']);
export type HaVerdict = z.infer<typeof HaVerdict>;

export const HaSideView = z.object({
  remoteId: RemoteId,
  reportedAt: EpochMs,
  stale: z.boolean(),
  /** Current when readable; the last one the remote reported when its Kea is unreadable now. */
  relationship: HaRelationship.optional(),
  /** Why the remote's agent could not read Kea's HA status, when it could not. */
  unreadable: z.string().max(500).optional(),
});
export type HaSideView = z.infer<typeof HaSideView>;

export const HaPairView = z.object({
  /** Stable key of the pair: its peers' names and URLs (both sides list the same peers). */
  key: z.string().max(2_000),
  /** The peers' names, `server-a + server-b`. */
  name: z.string().max(600),
  mode: z.string().max(64).optional(),
  /** The remotes reporting this relationship, by server name. */
  sides: z.array(HaSideView).max(8),
  verdict: HaVerdict,
  /** Why, for the admin and the alert's message. */
  detail: z.string().max(1_000),
  /** The remote the verdict is about (the one whose partner is down, else the first side). */
  remoteId: RemoteId,
});
export type HaPairView = z.infer<typeof HaPairView>;

export const HaQuery = z.object({ remoteId: RemoteId.optional() }).strict();
export type HaQuery = z.infer<typeof HaQuery>;

export const HaView = z.object({ pairs: z.array(HaPairView).max(10_000) });
export type HaView = z.infer<typeof HaView>;
