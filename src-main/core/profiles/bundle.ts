import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ConsoleId } from '../../../src-shared/protocol/ids';
import type { CertificateFacts, ProfileImportForm } from '../../../src-shared/ipc/profile-views';
import { pemBlocks } from './pem';
import { Pkcs12Error, readPkcs12 } from './pkcs12';

export type BundleProblem =
  | 'unreadable'
  | 'wrong-passphrase'
  | 'no-ca'
  | 'not-a-certificate'
  | 'not-a-key'
  | 'key-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-ca'
  | 'not-for-clients'
  | 'bad-console-id';

/** Why a bundle cannot be imported, in words that say what to fix; `part` names the form field. */
export class BundleError extends Error {
  override name = 'BundleError';
  constructor(
    readonly problem: BundleProblem,
    readonly part: 'ca' | 'client' | 'signing',
    message: string,
  ) {
    super(message);
  }
}

/** A checked bundle: PEM text in memory, the keys still clear (sealed by the registry before writing). */
export interface CheckedBundle {
  consoleId: string;
  ca: string;
  client: { cert: string; key: string };
  signing?: { cert: string; key: string };
}

/** A certificate's distinguished name as one line (Node gives one attribute per line). */
const oneLine = (name: string) => name.replace(/\n/g, ', ');

const partName = { ca: 'CA certificate', client: 'client certificate', signing: 'signing certificate' };

function parseCerts(pem: string, part: BundleError['part']): X509Certificate[] {
  const blocks = pemBlocks(pem, ['CERTIFICATE']);
  if (blocks.length === 0) {
    throw new BundleError(
      'not-a-certificate',
      part,
      `The ${partName[part]} file holds no PEM certificate: pick the .crt/.pem file that begins with "-----BEGIN CERTIFICATE-----".`,
    );
  }
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new BundleError(
        'not-a-certificate',
        part,
        `The ${partName[part]} is damaged (${(e as Error).message}): export it again.`,
      );
    }
  });
}

function parseKey(pem: string, part: 'client' | 'signing'): KeyObject {
  if (/ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new BundleError(
      'not-a-key',
      part,
      `The ${part} key is encrypted PEM: import it as a PKCS#12 bundle with its passphrase, or decrypt it first (openssl pkey -in key.pem).`,
    );
  }
  try {
    return createPrivateKey(pem);
  } catch {
    throw new BundleError(
      'not-a-key',
      part,
      `The ${part} key file is not a PEM private key: pick the file that begins with "-----BEGIN PRIVATE KEY-----".`,
    );
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function checkPair(cert: X509Certificate, key: KeyObject, part: 'client' | 'signing', now: Date): void {
  if (!cert.checkPrivateKey(key)) {
    throw new BundleError(
      'key-mismatch',
      part,
      `The ${part} key does not match the ${partName[part]} (${oneLine(cert.subject)}): pick the key made with this certificate.`,
    );
  }
  const notAfter = Date.parse(cert.validTo);
  const notBefore = Date.parse(cert.validFrom);
  if (now.getTime() > notAfter) {
    throw new BundleError(
      'expired',
      part,
      `The ${partName[part]} expired on ${day(notAfter)}: ask the IPAM's CA for a renewed certificate.`,
    );
  }
  if (now.getTime() < notBefore) {
    throw new BundleError(
      'not-yet-valid',
      part,
      `The ${partName[part]} is valid only from ${day(notBefore)}: check this computer's clock, or wait until then.`,
    );
  }
}

/** The extended key usages that let a certificate authenticate a TLS client. */
const CLIENT_AUTH = ['1.3.6.1.5.5.7.3.2', '2.5.29.37.0'];
/** Names for the usages a certificate meant for something else most often carries. */
const usageNames: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS server',
  '1.3.6.1.5.5.7.3.3': 'code signing',
  '1.3.6.1.5.5.7.3.4': 'e-mail',
  '1.3.6.1.5.5.7.3.8': 'time stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP signing',
};

/**
 * Why `cert` cannot be a console's TLS client certificate, if it cannot: a CA certificate is not one
 * (a CA that "issued" itself passes every other check), nor one whose extended key usage leaves out
 * client authentication, which the broker refuses at the handshake.
 */
function clientUseProblem(cert: X509Certificate): string | undefined {
  const subject = oneLine(cert.subject);
  if (cert.ca) return `The client certificate (${subject}) is a CA certificate`;
  const usage = cert.keyUsage;
  if (usage && !usage.some((u) => CLIENT_AUTH.includes(u)))
    return `The client certificate (${subject}) is not for TLS clients (it is for ${usage.map((u) => usageNames[u] ?? u).join(', ')})`;
  return undefined;
}

/** True when `ca` signed `cert` (names chain and the signature verifies). */
const issuedBy = (cert: X509Certificate, ca: X509Certificate): boolean =>
  cert.checkIssued(ca) && cert.verify(ca.publicKey);

export const certificateFacts = (c: X509Certificate): CertificateFacts => ({
  subject: oneLine(c.subject),
  issuer: oneLine(c.issuer),
  notBefore: Date.parse(c.validFrom),
  notAfter: Date.parse(c.validTo),
});

async function clientPem(form: ProfileImportForm): Promise<{ cert: string; key: string; chain: string[] }> {
  if (form.client.format === 'pem') return { cert: form.client.cert, key: form.client.key, chain: [] };
  let contents;
  try {
    contents = await readPkcs12(Buffer.from(form.client.data, 'base64'), form.client.passphrase);
  } catch (e) {
    if (e instanceof Pkcs12Error) {
      throw new BundleError(
        e.problem === 'wrong-passphrase' ? 'wrong-passphrase' : 'unreadable',
        'client',
        e.message,
      );
    }
    throw e;
  }
  if (!contents.key || contents.certs.length === 0) {
    throw new BundleError(
      'unreadable',
      'client',
      `The PKCS#12 bundle holds ${contents.key ? 'no certificate' : 'no private key'}: export it again with the certificate and its key.`,
    );
  }
  // The leaf is the certificate of the bundle's key; the others are its chain.
  const key = parseKey(contents.key, 'client');
  const [first] = contents.certs as [string, ...string[]];
  const leaf = contents.certs.find((c) => new X509Certificate(c).checkPrivateKey(key)) ?? first;
  return { cert: leaf, key: contents.key, chain: contents.certs.filter((c) => c !== leaf) };
}

/**
 * Checks an Import form's bundle as the broker and the agents will: each key matches its certificate,
 * every certificate is valid now, the client certificate is one for TLS clients, and the CA issued it.
 * The first problem found is thrown as a BundleError with what to do about it.
 */
export async function checkBundle(form: ProfileImportForm, now = new Date()): Promise<CheckedBundle> {
  const client = await clientPem(form);
  const caPem = form.ca ?? (client.chain.length > 0 ? client.chain.join('') : undefined);
  if (!caPem) {
    throw new BundleError(
      'no-ca',
      'ca',
      "No CA certificate: add the IPAM's CA certificate (PEM); the bundle does not carry one.",
    );
  }
  const cas = parseCerts(caPem, 'ca');
  const [cert] = parseCerts(client.cert, 'client') as [X509Certificate];
  checkPair(cert, parseKey(client.key, 'client'), 'client', now);
  const notForClients = clientUseProblem(cert);
  if (notForClients) {
    throw new BundleError(
      'not-for-clients',
      'client',
      `${notForClients}: pick the console's own certificate, issued by the IPAM's CA for client authentication.`,
    );
  }
  if (!cas.some((ca) => issuedBy(cert, ca))) {
    throw new BundleError(
      'wrong-ca',
      'ca',
      `The CA (${cas.map((c) => oneLine(c.subject)).join('; ')}) did not issue the client certificate, which names ${oneLine(cert.issuer)} as its issuer: pick that IPAM's CA certificate.`,
    );
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';
  const consoleId = form.consoleId ?? cn;
  if (!ConsoleId.safeParse(consoleId).success) {
    throw new BundleError(
      'bad-console-id',
      'client',
      `The client certificate's CN "${cn}" cannot be a console id (1-63 of a-z, 0-9 and "-"): give the console id the IPAM provisioned.`,
    );
  }
  let signing: CheckedBundle['signing'];
  if (form.signing) {
    const [sc] = parseCerts(form.signing.cert, 'signing') as [X509Certificate];
    checkPair(sc, parseKey(form.signing.key, 'signing'), 'signing', now);
    signing = { cert: form.signing.cert, key: form.signing.key };
  }
  return {
    consoleId,
    ca: caPem,
    client: { cert: client.cert, key: client.key },
    ...(signing ? { signing } : {}),
  };
}
