import { z } from 'zod';
import { ConfigObject, RemoteId, ServedConfig } from '../protocol';
import { HunkSchema } from '../push/preview';

/**
 * What a draft holds while it is being written: a zone as a model (records, possibly still invalid) or as
 * raw zone text, or a scope as a model. Models are kept as plain JSON so a half-typed record survives a
 * save; the Zone and DhcpScope schemas judge them and say per field what is wrong.
 */
export const DraftContent = z.discriminatedUnion('format', [
  z.object({ format: z.literal('zone'), zone: z.json() }),
  z.object({ format: z.literal('zone-text'), text: z.string().max(4_000_000) }),
  z.object({ format: z.literal('scope'), scope: z.json() }),
]);
export type DraftContent = z.infer<typeof DraftContent>;

/** One thing the model's validation found: `path` as the form names fields (`records.3.address`). */
export const DraftProblem = z.object({ path: z.string(), message: z.string() });
export type DraftProblem = z.infer<typeof DraftProblem>;

export const DraftId = z.string().regex(/^d-[0-9a-z]{6,40}$/, 'a draft id such as d-lx2k9a3f');

/**
 * The version pushed for the object when the draft was started (PushStore.maxVersion; 0 if none) and the
 * text that version carried, when this profile pushed it: what "moved since" is measured against.
 */
export const DraftBase = z.object({
  version: z.number().int().nonnegative(),
  text: z.string().nullable(),
});
export type DraftBase = z.infer<typeof DraftBase>;

export const Draft = z.object({
  id: DraftId,
  name: z.string().min(1).max(200),
  object: ConfigObject,
  content: DraftContent,
  /** Selector (src-shared/config/selector) of the remotes the draft is meant for; checked against. */
  targets: z.string().max(10_000),
  base: DraftBase,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  author: z.string(),
  /** Empty when the content would be accepted for a push. */
  problems: z.array(DraftProblem),
});
export type Draft = z.infer<typeof Draft>;

export const DraftSummary = Draft.pick({
  id: true,
  name: true,
  object: true,
  targets: true,
  base: true,
  createdAt: true,
  updatedAt: true,
  author: true,
}).extend({
  format: z.enum(['zone', 'zone-text', 'scope']),
  /** How many problems the content has; 0 when it could be pushed. */
  problems: z.number().int().nonnegative(),
});
export type DraftSummary = z.infer<typeof DraftSummary>;

/** saveDraft: no id creates a draft (its base is taken now); an id replaces that draft's content. */
export const DraftInput = z.object({
  id: DraftId.optional(),
  name: z.string().trim().min(1, 'give the draft a name').max(200, 'a draft name is at most 200 characters'),
  object: ConfigObject,
  content: DraftContent,
  /** A selector such as `all`, `r-1,r-2` or `tag:site=ams`; empty until the admin picks targets. */
  targets: z.string().max(10_000),
});
export type DraftInput = z.input<typeof DraftInput>;

export const DraftDiff = z.object({
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  exact: z.boolean(),
  hunks: z.array(HunkSchema),
});
export type DraftDiff = z.infer<typeof DraftDiff>;

/**
 * One target's answer to a draft check. conflict: the remote serves a version past the draft's base, so
 * pushing the draft would overwrite a change the draft never saw. `sinceBase` is base → served (known when
 * this profile pushed the served version); `overwrite` is served → proposed.
 */
export const DraftCheckEntry = z.object({
  remote: RemoteId,
  status: z.enum(['conflict', 'current', 'not-served', 'unreachable', 'error']),
  servedVersion: z.number().int().positive().nullable(),
  reason: z.string().optional(),
  sinceBase: DraftDiff.nullable(),
  overwrite: DraftDiff.nullable(),
});
export type DraftCheckEntry = z.infer<typeof DraftCheckEntry>;

export const DraftCheck = z.object({
  draftId: DraftId,
  baseVersion: z.number().int().nonnegative(),
  checkedAt: z.number().int(),
  remotes: z.array(DraftCheckEntry),
  conflicts: z.number().int().nonnegative(),
  /** Selector names the fleet does not know. */
  unknown: z.array(RemoteId),
});
export type DraftCheck = z.infer<typeof DraftCheck>;

/** The Remote screen's served-configuration view: one zone or scope as the remote serves it now. */
export const ServedQuery = z.object({ remoteId: RemoteId, object: ConfigObject });
export const ServedView = ServedConfig;

export const LeasesQuery = z.object({ remoteId: RemoteId, subnet: z.cidrv4() });

/** One DHCPv4 lease as Kea reports it, in the fields an admin reads. */
export const Lease = z.object({
  ipAddress: z.string(),
  hwAddress: z.string().nullable(),
  hostname: z.string().nullable(),
  /** Console clock (ms) when the lease ends; null when Kea did not say. */
  expiresAt: z.number().nullable(),
  state: z.string(),
});
export type Lease = z.infer<typeof Lease>;

export const LeasesView = z.object({
  subnet: z.string(),
  leases: z.array(Lease),
  /** Entries the remote sent that are not leases as Kea writes them; counted, not shown. */
  unreadable: z.number().int().nonnegative(),
});
export type LeasesView = z.infer<typeof LeasesView>;
