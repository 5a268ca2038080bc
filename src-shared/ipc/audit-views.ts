import { z } from 'zod';

/** What the console audits (the profile actions are a switch between IPAM profiles and an import). */
export const auditActions = [
  'push',
  'command',
  'cancel',
  'retry',
  'expire',
  'profile-switch',
  'profile-import',
] as const;

/** A search of the audit trail: every given criterion must hold. */
export const AuditQuery = z.object({
  /** Matched, case-insensitively, anywhere in actor, action, subject or detail. */
  text: z.string().trim().max(200).optional(),
  action: z.string().min(1).max(40).optional(),
  /** Epoch ms, inclusive. */
  from: z.number().int().nonnegative().optional(),
  /** Epoch ms, exclusive. */
  to: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditEntryView = z.object({
  seq: z.number().int().positive(),
  at: z.number().int(),
  /** The IPAM profile the console acted for. */
  profile: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  /** The entry's details as JSON text, as stored. */
  detail: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/** One page of matches, newest first, and how many match in all. */
export const AuditPage = z.object({ entries: z.array(AuditEntryView), total: z.number().int() });
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditCsv = z.object({ filename: z.string(), csv: z.string() });
export type AuditCsv = z.infer<typeof AuditCsv>;
