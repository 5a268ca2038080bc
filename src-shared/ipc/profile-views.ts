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

/**
 * How an imported profile's keys are sealed at rest (docs/security.md, "Secrets at rest"): the OS keyring
 * (Electron safeStorage, offered only where it really protects the key) or a passphrase the admin sets.
 */
export const SealingKind = z.enum(['keyring', 'passphrase']);
export type SealingKind = z.infer<typeof SealingKind>;

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
  /** How its keys are sealed, from the key file's header (never opened for the list). */
  sealedWith: SealingKind.optional(),
  /** Passphrase-sealed and this console holds no passphrase for it: switching to it asks for one. */
  needsPassphrase: z.boolean().optional(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

/** Sizes keep a whole form well under the bridge's frame limit (256 KiB); real bundles are a few KiB. */
const Pem = z.string().min(1).max(32_768);
/** A passphrase reaches openssl as one line on a pipe, so a line break cannot be part of it. */
const Passphrase = z
  .string()
  .max(1024)
  .regex(/^[^\r\n]*$/, 'a passphrase cannot contain a line break');

/** The shortest passphrase a new profile may be sealed with: scrypt slows guessing, length does the rest. */
export const MIN_PASSPHRASE_LENGTH = 12;

/** A passphrase the admin sets for a new profile (typed twice in the form, checked here again). */
export const NewPassphrase = Passphrase.min(
  MIN_PASSPHRASE_LENGTH,
  `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters: a short one is quick to guess from a copy of the key files`,
);

/** The admin's choice for an import; without one the console seals as the profile in use (or the keyring). */
export const Sealing = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keyring') }),
  z.object({ kind: z.literal('passphrase'), passphrase: NewPassphrase }),
]);
export type Sealing = z.infer<typeof Sealing>;

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
  /** See Sealing; required when the console holds no passphrase and has no keyring. */
  sealing: Sealing.optional(),
});
export type ProfileImportForm = z.infer<typeof ProfileImportForm>;

/** `passphrase` only for a passphrase-sealed profile whose passphrase this console does not hold yet. */
export const SwitchProfileRequest = z.object({ name: ProfileName, passphrase: Passphrase.min(1).optional() });

/** Opens a profile at the unlock screen; a keyring-sealed one needs no passphrase. */
export const UnlockRequest = z.object({ name: ProfileName, passphrase: Passphrase.min(1).optional() });
export type UnlockRequest = z.infer<typeof UnlockRequest>;

/** A profile as the unlock screen lists it: no certificate facts, and a problem when it cannot be opened. */
export const LockedProfile = z.object({
  name: z.string(),
  consoleId: z.string(),
  sealedWith: SealingKind.nullable(),
  problem: z.string().optional(),
});
export type LockedProfile = z.infer<typeof LockedProfile>;

/**
 * What the console shows at start and whenever it changes (docs/profiles.md, "First run and unlocking"):
 * no profile yet → onboarding; profiles but none open → the unlock screen; a profile open → the app.
 * `sealing` is what the host can seal with here (the keyring only where it really protects the key).
 */
export const StartState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('onboarding'), sealing: z.array(SealingKind).min(1) }),
  z.object({
    kind: z.literal('locked'),
    profiles: z.array(LockedProfile),
    /** The profile opened last on this console, preselected; null when none is remembered. */
    last: z.string().nullable(),
    /** How long the next passphrase try is refused after too many wrong ones (0: try now). */
    retryAfterMs: z.number().int().nonnegative(),
    sealing: z.array(SealingKind).min(1),
  }),
  z.object({
    kind: z.literal('open'),
    profile: ProfileSummary,
    sealing: z.array(SealingKind).min(1),
    /** The console holds the open profile's passphrase: an import may be sealed with it. */
    passphraseHeld: z.boolean(),
  }),
]);
export type StartState = z.infer<typeof StartState>;
