import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from './testing/self-signed';
import { TlsMaterialError, loadTlsMaterial } from './tls';

let dir = '';
const p = (f: string) => join(dir, f);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smt-tls-'));
  await selfSignedCert(dir, 'a', { subject: '/CN=r-0001/OU=remotes/O=SMT Lab' });
  await selfSignedCert(dir, 'b', { subject: '/CN=r-0002/OU=remotes/O=SMT Lab' });
  await selfSignedCert(dir, 'server', { subject: '/CN=r-0003', addext: ['extendedKeyUsage=serverAuth'] });
  await selfSignedCert(dir, 'client', {
    subject: '/CN=r-0004',
    addext: ['extendedKeyUsage=serverAuth,clientAuth'],
  });
  writeFileSync(p('junk.crt'), 'hello\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = (cert: string, key: string, ca: string = 'a.crt') => ({
  caFile: p(ca),
  certFile: p(cert),
  keyFile: p(key),
});

async function problem(f: ReturnType<typeof files>, now?: Date) {
  const e = await loadTlsMaterial(f, now).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(TlsMaterialError);
  return e as TlsMaterialError;
}

describe('loadTlsMaterial', () => {
  it('loads matching material and names the identity', async () => {
    const m = await loadTlsMaterial(files('a.crt', 'a.key'));
    expect(m.subjectCn).toBe('r-0001');
    expect(m.cert).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['missing-file', ['nope.crt', 'a.key'], /nope\.crt does not exist/],
    ['not-a-certificate', ['junk.crt', 'a.key'], /holds no PEM certificate/],
    ['not-a-certificate', ['a.crt', 'a.key', 'junk.crt'], /CA file .* holds no PEM certificate/],
    ['not-a-key', ['a.crt', 'a.crt'], /not an unencrypted PEM private key/],
    ['key-mismatch', ['a.crt', 'b.key'], /does not match the certificate/],
  ] as const)('reports %s', async (kind, names, message) => {
    const [cert, key, ca] = names;
    const e = await problem(files(cert, key, ca));
    expect(e.problem).toBe(kind);
    expect(e.message).toMatch(message);
  });

  it('refuses a certificate whose extended key usage leaves out TLS client auth, and takes one that names it', async () => {
    const e = await problem(files('server.crt', 'server.key', 'server.crt'));
    expect(e.problem).toBe('not-for-client-auth');
    expect(e.message).toMatch(
      /server\.crt is not for TLS client authentication .*1\.3\.6\.1\.5\.5\.7\.3\.1, without clientAuth/,
    );
    expect((await loadTlsMaterial(files('client.crt', 'client.key', 'client.crt'))).subjectCn).toBe('r-0004');
  });

  it('reports an expired or not yet valid certificate', async () => {
    expect((await problem(files('a.crt', 'a.key'), new Date(Date.now() + 5 * 86_400_000))).problem).toBe(
      'expired',
    );
    expect((await problem(files('a.crt', 'a.key'), new Date(Date.now() - 86_400_000))).problem).toBe(
      'not-yet-valid',
    );
  });
});
