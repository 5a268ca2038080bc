import { X509Certificate } from 'node:crypto';
import { certFingerprint } from '../../src-node/crypto/config-signature';
import type { HelloCert } from '../../src-shared/protocol';

/**
 * What the hello says of the agent's own client certificate (issue 17): the broker terminates TLS, so a
 * console learns a remote's certificate only from the remote. Read from the PEM the connection uses, so
 * the hello names the certificate the agent actually presents. Material that holds no certificate (a
 * test's stand-in; loadTlsMaterial refuses it anywhere else) leaves the field out.
 */
export function helloCertOf(certPem: string): HelloCert | undefined {
  let x: X509Certificate;
  try {
    x = new X509Certificate(certPem);
  } catch {
    return undefined;
  }
  return {
    notAfter: Date.parse(x.validTo),
    subject: x.subject,
    serial: x.serialNumber.toLowerCase(),
    sha256: certFingerprint(x),
  };
}
