/**
 * The sealed key file (docs/security.md, "Secrets at rest"): a PEM private key encrypted with
 * AES-256-GCM under a content key from a KeySealer. The whole header — format version, purpose, profile
 * name, how the content key is recovered, nonce — is the GCM additional data, so any change to the file
 * fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Kek, KeyUnavailableError, type KeySealer } from './sealer';

export const SEALED_KEY_FORMAT = 'smt-sealed-key';
export const SEALED_KEY_VERSION = 1;

/** Which of the console's keys a file holds: a TLS key sealed as a signing key is refused, and vice versa. */
export type KeyPurpose = 'tls' | 'signing';
export const keyPurposes: readonly KeyPurpose[] = ['tls', 'signing'];
const purposeName: Record<KeyPurpose, string> = { tls: 'TLS client key', signing: 'config signing key' };

export interface SealLabel {
  purpose: KeyPurpose;
  /** The console profile's name: a key sealed for one profile is refused by another. */
  profile: string;
}

const b64 = (bytes: number) =>
  z.base64().refine((s) => Buffer.from(s, 'base64').length === bytes, `must be ${bytes} bytes`);

const Envelope = z.looseObject({ format: z.literal(SEALED_KEY_FORMAT), v: z.number().int() });

const SealedKeyV1 = z.strictObject({
  format: z.literal(SEALED_KEY_FORMAT),
  v: z.literal(SEALED_KEY_VERSION),
  purpose: z.enum(['tls', 'signing']),
  profile: z.string().min(1).max(100),
  kek: Kek,
  cipher: z.literal('aes-256-gcm'),
  nonce: b64(12),
  ciphertext: z.base64().min(1),
  tag: b64(16),
});
type SealedKeyV1 = z.infer<typeof SealedKeyV1>;

export type SealedKeyProblem =
  'not-sealed' | 'malformed' | 'version' | 'wrong-label' | 'no-sealer' | 'wrong-secret-or-damaged';

export class SealedKeyError extends Error {
  constructor(
    readonly problem: SealedKeyProblem,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'SealedKeyError';
  }
}

/**
 * A key that did not open with the secret given (or a damaged file). By name and problem rather than
 * `instanceof`, so it holds across separately loaded copies of this module (test module registries).
 */
export const isWrongSecret = (e: unknown): e is SealedKeyError =>
  e instanceof Error &&
  e.name === 'SealedKeyError' &&
  (e as Partial<SealedKeyError>).problem === 'wrong-secret-or-damaged';

/** Every header field in a fixed order, so the bytes do not depend on how the JSON was written. */
function aad(h: Omit<SealedKeyV1, 'ciphertext' | 'tag'>): Buffer {
  const kek =
    h.kek.kind === 'scrypt'
      ? [h.kek.kind, h.kek.N, h.kek.r, h.kek.p, h.kek.salt]
      : [h.kek.kind, h.kek.wrapped];
  return Buffer.from(JSON.stringify([h.format, h.v, h.purpose, h.profile, kek, h.cipher, h.nonce]), 'utf8');
}

/** The sealed file's text (JSON, one line per field) for a PEM private key. */
export async function sealPrivateKey(pem: string, label: SealLabel, sealer: KeySealer): Promise<string> {
  const { kek, key } = await sealer.newKey();
  const header = {
    format: SEALED_KEY_FORMAT,
    v: SEALED_KEY_VERSION,
    purpose: label.purpose,
    profile: label.profile,
    kek,
    cipher: 'aes-256-gcm',
    nonce: randomBytes(12).toString('base64'),
  } as const;
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(header.nonce, 'base64'));
  cipher.setAAD(aad(header));
  const ciphertext = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  key.fill(0);
  const sealed: SealedKeyV1 = {
    ...header,
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  return `${JSON.stringify(sealed, null, 2)}\n`;
}

/** undefined when the text is not a sealed key file at all (e.g. a plain PEM key). */
function parseSealed(text: string, file: string): SealedKeyV1 | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return undefined;
  if (envelope.data.v !== SEALED_KEY_VERSION) {
    throw new SealedKeyError(
      'version',
      file,
      `key file ${file} is sealed in format version ${envelope.data.v}; this program reads version ${SEALED_KEY_VERSION}`,
    );
  }
  const parsed = SealedKeyV1.safeParse(json);
  if (!parsed.success) {
    throw new SealedKeyError(
      'malformed',
      file,
      `key file ${file} is not a valid sealed key: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

export const isSealedKey = (text: string): boolean => {
  try {
    return Envelope.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
};

/**
 * Which kind of sealer a sealed key file needs, read from its header without opening it (for a profile
 * list); undefined for a file that is not a valid sealed key.
 */
export function sealedKeyKind(text: string): Kek['kind'] | undefined {
  try {
    return parseSealed(text, '')?.kek.kind;
  } catch {
    return undefined;
  }
}

/** The PEM inside a sealed key file; the file must be sealed for exactly this purpose and profile. */
export async function unsealPrivateKey(
  text: string,
  file: string,
  label: SealLabel,
  sealers: readonly KeySealer[],
): Promise<string> {
  const sealed = parseSealed(text, file);
  if (!sealed) throw new SealedKeyError('not-sealed', file, `key file ${file} is not a sealed key`);
  if (sealed.purpose !== label.purpose || sealed.profile !== label.profile) {
    throw new SealedKeyError(
      'wrong-label',
      file,
      `key file ${file} is sealed as the ${purposeName[sealed.purpose]} of profile "${sealed.profile}", ` +
        `not the ${purposeName[label.purpose]} of profile "${label.profile}"`,
    );
  }
  const sealer = sealers.find((s) => s.kind === sealed.kek.kind);
  if (!sealer) {
    const how = sealed.kek.kind === 'scrypt' ? 'a passphrase' : 'the OS keyring (Electron safeStorage)';
    throw new SealedKeyError(
      'no-sealer',
      file,
      `key file ${file} is sealed with ${how}, which this program was not given` +
        (sealed.kek.kind === 'scrypt' ? ' (type it at the prompt or set SMT_PASSPHRASE)' : ''),
    );
  }
  const damaged = () =>
    new SealedKeyError('wrong-secret-or-damaged', file, `wrong ${sealer.secret} or damaged key file ${file}`);
  let key: Buffer;
  try {
    key = await sealer.openKey(sealed.kek);
  } catch (e) {
    if (e instanceof KeyUnavailableError) throw damaged();
    throw e;
  }
  const { ciphertext, tag, ...header } = sealed;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.nonce, 'base64'));
    decipher.setAAD(aad(header));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw damaged();
  } finally {
    key.fill(0);
  }
}
