import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TlsFiles } from '../src-shared/profile';
import { openPrivateKey, plainKeys, type KeyPolicy } from './secrets/key-policy';

/** PEM material for a mutual-TLS STOMP connection, checked to belong together. */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
  /** The certificate's subject CN: the identity the broker will see. */
  subjectCn: string;
  notAfter: Date;
}

export type TlsProblem =
  | 'missing-file'
  | 'unreadable'
  | 'not-a-certificate'
  | 'not-a-key'
  | 'key-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'not-for-client-auth';

export class TlsMaterialError extends Error {
  constructor(
    readonly problem: TlsProblem,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'TlsMaterialError';
  }
}

const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const anyUsageOid = '2.5.29.37.0';

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TlsMaterialError('missing-file', file, `${what} file ${file} does not exist`);
    }
    throw new TlsMaterialError(
      'unreadable',
      file,
      `${what} file ${file} cannot be read: ${(e as Error).message}`,
    );
  }
}

function parseCert(pem: string, file: string, what: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TlsMaterialError('not-a-certificate', file, `${what} file ${file} holds no PEM certificate`);
  }
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new TlsMaterialError(
      'not-a-certificate',
      file,
      `${what} file ${file} is not a valid certificate: ${(e as Error).message}`,
    );
  }
}

function parseKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new TlsMaterialError(
      'not-a-key',
      file,
      `key file ${file} is not an unencrypted PEM private key: ${(e as Error).message}`,
    );
  }
}

/**
 * Reads and cross-checks the CA, certificate and key so a bad file fails here, not as a TLS alert. A
 * sealed key (`keys`) is decrypted in memory only; a refused or unopenable one throws SealedKeyError.
 */
export async function loadTlsMaterial(
  files: TlsFiles,
  now = new Date(),
  keys: KeyPolicy = plainKeys,
): Promise<TlsMaterial> {
  const [ca, cert, keyText] = await Promise.all([
    readPem(files.caFile, 'CA'),
    readPem(files.certFile, 'certificate'),
    readPem(files.keyFile, 'key'),
  ]);
  const key = await openPrivateKey(keyText, files.keyFile, 'tls', keys);
  parseCert(ca, files.caFile, 'CA');
  const x509 = parseCert(cert, files.certFile, 'certificate');
  const privateKey = parseKey(key, files.keyFile);
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsMaterialError(
      'key-mismatch',
      files.keyFile,
      `key file ${files.keyFile} does not match the certificate ${files.certFile}`,
    );
  }
  const notAfter = new Date(x509.validTo);
  if (now > notAfter) {
    throw new TlsMaterialError(
      'expired',
      files.certFile,
      `certificate ${files.certFile} expired on ${notAfter.toISOString()}`,
    );
  }
  const notBefore = new Date(x509.validFrom);
  if (now < notBefore) {
    throw new TlsMaterialError(
      'not-yet-valid',
      files.certFile,
      `certificate ${files.certFile} is valid only from ${notBefore.toISOString()} (check the clock)`,
    );
  }
  // Node reads the extendedKeyUsage OIDs (undefined: no such extension, any use allowed); brokers
  // refuse a client certificate without clientAuth, and say nothing about why (docs/reliability.md).
  const usages = x509.keyUsage as string[] | undefined;
  if (usages && !usages.includes(clientAuthOid) && !usages.includes(anyUsageOid)) {
    throw new TlsMaterialError(
      'not-for-client-auth',
      files.certFile,
      `certificate ${files.certFile} is not for TLS client authentication (its extended key usage is ` +
        `${usages.join(', ')}, without clientAuth ${clientAuthOid}): the broker refuses it; use a client certificate`,
    );
  }
  const subjectCn = /(?:^|\n)CN=([^\n]*)/.exec(x509.subject)?.[1] ?? '';
  return { ca, cert, key, subjectCn, notAfter };
}
