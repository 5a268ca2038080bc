import { z } from 'zod';
import { BrokerEndpoint } from '../profile';
import { ConsoleId } from '../protocol/ids';

/**
 * A profile's name is its directory in the profiles registry and the label its sealed keys are bound to,
 * so it is held to characters that are safe as a file name on every desktop OS.
 */
export const ProfileName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/,
    'a profile name is 1-64 of letters, digits, space, ".", "_" and "-", starting with a letter or digit',
  );
export type ProfileName = z.infer<typeof ProfileName>;

/** One certificate as the Profiles screen shows it; never the key. */
export const CertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.number().int(),
  notAfter: z.number().int(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const ProfileSummary = z.object({
  name: z.string(),
  consoleId: z.string(),
  brokers: z.array(BrokerEndpoint),
  ca: CertificateFacts.nullable(),
  client: CertificateFacts.nullable(),
  signing: CertificateFacts.nullable(),
  /** The profile the console is connected with now. */
  active: z.boolean(),
  /** Why the profile cannot be read (then the certificate facts may be null): what to fix. */
  problem: z.string().optional(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

/** Sizes keep a whole form well under the bridge's frame limit (256 KiB); real bundles are a few KiB. */
const Pem = z.string().min(1).max(32_768);
/** A passphrase reaches openssl as one line on a pipe, so a line break cannot be part of it. */
const Passphrase = z
  .string()
  .max(1024)
  .regex(/^[^\r\n]*$/, 'a passphrase cannot contain a line break');

/** The client identity: PEM certificate and key, or a PKCS#12 bundle (base64) with its passphrase. */
export const ClientBundle = z.discriminatedUnion('format', [
  z.object({ format: z.literal('pem'), cert: Pem, key: Pem }),
  z.object({ format: z.literal('pkcs12'), data: z.base64().min(1).max(65_536), passphrase: Passphrase }),
]);
export type ClientBundle = z.infer<typeof ClientBundle>;

/** What the Import form sends. The keys are sealed at rest as soon as they are checked. */
export const ProfileImportForm = z.object({
  name: ProfileName,
  /** Defaults to the client certificate's CN, which is what the broker sees. */
  consoleId: ConsoleId.optional(),
  brokers: z.array(BrokerEndpoint).min(1).max(2),
  /** The CA that issued the brokers' and the client's certificates; a PKCS#12 bundle may carry it instead. */
  ca: Pem.optional(),
  client: ClientBundle,
  signing: z.object({ cert: Pem, key: Pem }).optional(),
});
export type ProfileImportForm = z.infer<typeof ProfileImportForm>;

export const SwitchProfileRequest = z.object({ name: ProfileName });
