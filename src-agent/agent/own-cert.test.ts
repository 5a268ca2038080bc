import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src-node/crypto/sha256';
import { HelloCert } from '../../src-shared/protocol';
import { helloCertOf } from './own-cert';

let dir: string;
let pem: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-own-cert-'));
  // A self-signed certificate valid 5 days with a serial whose hex has letters (the lower-casing).
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/O=SMT Lab/OU=remotes/CN=r-0042',
    '-days',
    '5',
    '-set_serial',
    '0xABCDEF0123',
    '-keyout',
    join(dir, 'k.pem'),
    '-out',
    join(dir, 'c.pem'),
  ]);
  pem = await readFile(join(dir, 'c.pem'), 'utf8');
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
      serial: 'abcdef0123',
      sha256: sha256(x.raw),
    });
    expect((c?.notAfter ?? 0) - Date.parse(x.validFrom)).toBe(5 * 86_400_000);
    // What the agent sends is what the console's schema takes.
    expect(HelloCert.parse(c)).toEqual(c);
  });

  it('leaves the field out for material that holds no certificate (a test stand-in)', () => {
    expect(helloCertOf('')).toBeUndefined();
    expect(helloCertOf('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeUndefined();
  });
});
