import { z } from 'zod';

/**
 * How the 32-byte content key of a sealed key file is recovered: derived from a passphrase with scrypt,
 * or a random key wrapped by the OS keyring through Electron safeStorage. Stored in the file's header.
 */
export const Kek = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('scrypt'),
    // Below 2^15 is too cheap to guess against; above 2^20 a damaged header could exhaust memory.
    N: z
      .number()
      .int()
      .min(2 ** 15)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, 'N must be a power of 2'),
    r: z.number().int().min(8).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.base64().refine((s) => Buffer.from(s, 'base64').length === 16, 'salt must be 16 bytes'),
  }),
  z.strictObject({
    kind: z.literal('safe-storage'),
    wrapped: z.base64().min(1),
  }),
]);
export type Kek = z.infer<typeof Kek>;

/** Thrown by a sealer that cannot give the content key for a header it owns (e.g. another user's keyring). */
export class KeyUnavailableError extends Error {}

/**
 * One way of protecting the content key of sealed key files (docs/security.md, "Secrets at rest").
 * A wrong secret need not fail here: the AES-GCM tag of the file catches it.
 */
export interface KeySealer {
  readonly kind: Kek['kind'];
  /** What the admin must get right, for messages: "passphrase", "OS keyring". */
  readonly secret: string;
  /** A fresh content key and the header that recovers it. */
  newKey(): Promise<{ kek: Kek; key: Buffer }>;
  /** The content key for a header of this sealer's kind. */
  openKey(kek: Kek): Promise<Buffer>;
}
