import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src-node/crypto/sha256';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import { HelloCert } from '../../src-shared/protocol';
import { helloCertOf } from './own-cert';

let dir: string;
let pem: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-own-cert-'));
  const { certFile } = await selfSignedCert(dir, 'r-0042', { subject: '/O=SMT Lab/OU=remotes/CN=r-0042' });
  pem = await readFile(certFile, 'utf8');
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('helloCertOf', () => {
  it('says when the certificate the agent connects with expires, and which certificate it is', () => {
    const x = new X509Certificate(pem);
    const c = helloCertOf(pem);
    expect(c).toEqual({
      notAfter: Date.parse(x.validTo),
      subject: 'O=SMT Lab\nOU=remotes\nCN=r-0042',
      serial: x.serialNumber.toLowerCase(),
      sha256: sha256(x.raw),
    });
    // selfSignedCert: two days.
    expect((c?.notAfter ?? 0) - Date.parse(x.validFrom)).toBe(2 * 86_400_000);
    // What the agent sends is what the console's schema takes.
    expect(HelloCert.parse(c)).toEqual(c);
  });

  it('leaves the field out for material that holds no certificate (a test stand-in)', () => {
    expect(helloCertOf('')).toBeUndefined();
    expect(helloCertOf('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeUndefined();
  });
});
