/**
 * Signed configuration (docs/protocol.md "Signature", docs/security.md): the console signs every config
 * body for one destination remote and one message id; the agent verifies against the signer
 * certificates it trusts before anything is applied.
 */
import {
  X509Certificate,
  createPrivateKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sha256 } from './sha256';
import { PROTOCOL_VERSION, type Body, type Envelope } from '../../src-shared/protocol';
import { openPrivateKey, plainKeys, type KeyPolicy } from '../secrets/key-policy';

type ConfigBody = Body<'config'>;
type Signature = NonNullable<ConfigBody['signature']>;
export type SignatureAlg = Signature['alg'];

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, members whose value is
 * undefined left out, strings and numbers as JSON.stringify writes them (RFC 8785 for the values SMT uses).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`canonical JSON has no form for the number ${value}`);
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`canonical JSON has no form for a ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
  return `{${members.join(',')}}`;
}

/**
 * The bytes a config signature covers: UTF-8 of canonicalJson({v, rid, id, body without signature}).
 * The destination's remote id and the message id are in it, so a signed message cannot be replayed to
 * another remote or under another id (which the ledger would take for a new message).
 */
export function signedBytes(rid: string, id: string, body: ConfigBody): Buffer {
  const unsigned: Partial<ConfigBody> = { ...body };
  delete unsigned.signature;
  return Buffer.from(canonicalJson({ v: PROTOCOL_VERSION, rid, id, body: unsigned }), 'utf8');
}

/** SHA-256 of the certificate's DER, lowercase hex: how a signature names its signer. */
export const certFingerprint = (cert: X509Certificate): string => sha256(cert.raw);

function algOf(key: KeyObject): SignatureAlg | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  return undefined;
}

/** ES256 signatures are IEEE P1363 (r ‖ s, 64 bytes), as in JWS; Ed25519 hashes internally. */
const signArgs = (alg: SignatureAlg) =>
  alg === 'ES256' ? { digest: 'sha256', dsaEncoding: 'ieee-p1363' as const } : { digest: null };

/** A loaded signing identity: its private key and the fingerprint of its certificate. */
export interface ConfigSigner {
  alg: SignatureAlg;
  /** certFingerprint of the signer certificate. */
  signer: string;
  key: KeyObject;
}

export class SignerError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignerError';
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new SignerError(file, `${what} ${file} cannot be read: ${(e as Error).message}`);
  }
}

function parseCert(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new SignerError(file, `${file} is not a PEM certificate: ${(e as Error).message}`);
  }
}

/**
 * Reads a signing key and its certificate and checks that they belong together and the key can sign. A
 * sealed key (`keys`) is decrypted in memory only; a refused or unopenable one throws SealedKeyError.
 */
export async function loadConfigSigner(
  files: { certFile: string; keyFile: string },
  now = new Date(),
  keys: KeyPolicy = plainKeys,
): Promise<ConfigSigner> {
  const cert = parseCert(await readText(files.certFile, 'signing certificate'), files.certFile);
  const pem = await openPrivateKey(
    await readText(files.keyFile, 'signing key'),
    files.keyFile,
    'signing',
    keys,
  );
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new SignerError(
      files.keyFile,
      `signing key ${files.keyFile} is not an unencrypted PEM private key: ${(e as Error).message}`,
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new SignerError(files.keyFile, `signing key ${files.keyFile} does not match ${files.certFile}`);
  }
  const alg = algOf(key);
  if (!alg) {
    throw new SignerError(
      files.keyFile,
      `signing key ${files.keyFile} is ${key.asymmetricKeyType}: configs are signed with EC P-256 (ES256) or Ed25519`,
    );
  }
  const validity = certValidity(cert, now);
  if (validity) throw new SignerError(files.certFile, `signing certificate ${files.certFile} ${validity}`);
  return { alg, signer: certFingerprint(cert), key };
}

/** The body with its signature for this destination and message id (any earlier signature replaced). */
export function signConfig(signer: ConfigSigner, rid: string, id: string, body: ConfigBody): ConfigBody {
  const { digest, ...opts } = signArgs(signer.alg);
  const value = cryptoSign(digest, signedBytes(rid, id, body), { key: signer.key, ...opts });
  return {
    ...body,
    signature: { alg: signer.alg, signer: signer.signer, value: value.toString('base64') },
  };
}

/** undefined when valid at `now`, else what is wrong, e.g. "expired on …". */
function certValidity(cert: X509Certificate, now: Date): string | undefined {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now > to) return `expired on ${to.toISOString()}`;
  if (now < from) return `is not valid before ${from.toISOString()} (check the clock)`;
  return undefined;
}

export interface TrustedSigner {
  fingerprint: string;
  cert: X509Certificate;
  /** Where it came from, for messages. */
  source: string;
}

export function trustedSigner(pem: string | Buffer, source: string): TrustedSigner {
  const cert = parseCert(typeof pem === 'string' ? pem : pem.toString('utf8'), source);
  return { fingerprint: certFingerprint(cert), cert, source };
}

/** Reads signer certificate files; a file that is not a certificate fails here, at start. */
export async function loadTrustedSigners(files: readonly string[]): Promise<TrustedSigner[]> {
  return Promise.all(
    files.map(async (f) => trustedSigner(await readText(f, 'trusted signer certificate'), f)),
  );
}

export type Verdict = { ok: true; signer: string } | { ok: false; reason: string };

/**
 * Checks a config envelope addressed to `rid`: signed, by a trusted signer whose certificate is valid
 * now, over exactly this body, remote and message id.
 */
export function verifyConfig(
  env: Envelope<'config'>,
  rid: string,
  trusted: readonly TrustedSigner[],
  now = new Date(),
): Verdict {
  const sig = env.body.signature;
  if (!sig) return { ok: false, reason: 'config is not signed' };
  const signer = trusted.find((t) => t.fingerprint === sig.signer);
  if (!signer) {
    return {
      ok: false,
      reason: `signed by an unknown signer ${sig.signer}: add its certificate to trustedSigners`,
    };
  }
  const validity = certValidity(signer.cert, now);
  if (validity) {
    return { ok: false, reason: `the signer certificate ${signer.source} (${sig.signer}) ${validity}` };
  }
  const keyAlg = algOf(signer.cert.publicKey);
  if (keyAlg !== sig.alg) {
    return {
      ok: false,
      reason: `signature algorithm ${sig.alg} does not fit the signer's ${keyAlg ?? signer.cert.publicKey.asymmetricKeyType} key`,
    };
  }
  const { digest, ...opts } = signArgs(sig.alg);
  let good: boolean;
  try {
    good = cryptoVerify(
      digest,
      signedBytes(rid, env.id, env.body),
      { key: signer.cert.publicKey, ...opts },
      Buffer.from(sig.value, 'base64'),
    );
  } catch {
    // A value of the wrong shape for the algorithm: as bad as a wrong one.
    good = false;
  }
  return good
    ? { ok: true, signer: sig.signer }
    : { ok: false, reason: 'signature does not match the payload' };
}
