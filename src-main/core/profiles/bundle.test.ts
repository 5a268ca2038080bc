import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileImportForm } from '../../../src-shared/ipc/profile-views';
import { passphraseSealer, unsealPrivateKey } from '../../../src-node/secrets';
import { issuedCert, pkcs12Of } from '../../../src-node/testing/issued-cert';
import { selfSignedCert, type SelfSignedFiles } from '../../../src-node/testing/self-signed';
import { loadConsoleProfile } from '../profile';
import { BundleError, checkBundle } from './bundle';
import { ProfileRegistry } from './registry';

let dir = '';
let ca: SelfSignedFiles;
let otherCa: SelfSignedFiles;
let good: SelfSignedFiles;
let expired: SelfSignedFiles;
let future: SelfSignedFiles;
let stranger: SelfSignedFiles;
let signer: SelfSignedFiles;
let serverOnly: SelfSignedFiles;
let p12: Buffer;
const DAY = 86_400_000;
const read = (f: string) => readFile(f, 'utf8');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-bundle-'));
  [ca, otherCa] = await Promise.all([
    selfSignedCert(dir, 'ca', { subject: '/O=IPAM A/CN=IPAM A CA' }),
    selfSignedCert(dir, 'other-ca', { subject: '/O=IPAM B/CN=IPAM B CA' }),
  ]);
  [good, expired, future, stranger, signer, serverOnly] = await Promise.all([
    issuedCert(dir, ca, 'console-a'),
    issuedCert(dir, ca, 'old', { from: new Date(Date.now() - 30 * DAY), until: new Date(Date.now() - DAY) }),
    issuedCert(dir, ca, 'early', {
      from: new Date(Date.now() + 10 * DAY),
      until: new Date(Date.now() + 40 * DAY),
    }),
    issuedCert(dir, otherCa, 'console-b'),
    selfSignedCert(dir, 'signer'),
    issuedCert(dir, ca, 'web-server', { extendedKeyUsage: 'serverAuth' }),
  ]);
  p12 = await pkcs12Of(good, ca, 'bundle pass');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const brokers = [{ name: 'primary' as const, host: '127.0.0.1', port: 61614 }];
async function pemForm(
  client: SelfSignedFiles,
  over: Partial<ProfileImportForm> = {},
): Promise<ProfileImportForm> {
  return {
    name: 'IPAM A',
    brokers,
    ca: await read(ca.certFile),
    client: { format: 'pem', cert: await read(client.certFile), key: await read(client.keyFile) },
    ...over,
  };
}
const p12Form = (passphrase: string, data = p12.toString('base64')): ProfileImportForm => ({
  name: 'IPAM A',
  brokers,
  client: { format: 'pkcs12', data, passphrase },
});

async function problem(form: ProfileImportForm | Promise<ProfileImportForm>): Promise<BundleError> {
  const e = await checkBundle(await form).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BundleError);
  return e as BundleError;
}

describe('checkBundle', () => {
  it('accepts a PEM client certificate the CA issued, its console id the certificate CN', async () => {
    const b = await checkBundle(await pemForm(good));
    expect(b.consoleId).toBe('console-a');
    expect(b.client.key).toContain('PRIVATE KEY');
  });

  it('opens a PKCS#12 bundle with its passphrase and takes the CA from it', async () => {
    const b = await checkBundle(p12Form('bundle pass'));
    expect(b.consoleId).toBe('console-a');
    expect(b.client.cert).toBe(await read(good.certFile));
    expect(b.ca).toContain('BEGIN CERTIFICATE');
  });

  it('names each problem specifically', async () => {
    const expiredErr = await problem(pemForm(expired));
    expect(expiredErr.problem).toBe('expired');
    expect(expiredErr.message).toMatch(
      /^The client certificate expired on \d{4}-\d\d-\d\d: ask the IPAM's CA/,
    );

    const early = await problem(pemForm(future));
    expect(early.problem).toBe('not-yet-valid');
    expect(early.message).toMatch(/valid only from \d{4}-\d\d-\d\d: check this computer's clock/);

    const server = await problem(pemForm(serverOnly));
    expect(server.problem).toBe('not-for-clients');
    expect(server.part).toBe('client');
    expect(server.message).toBe(
      "The client certificate (CN=web-server) is not for TLS clients (it is for TLS server): pick the console's own certificate, issued by the IPAM's CA for client authentication.",
    );

    // A CA "issued" itself and holds its own key: every other check passes (found by the fuzz test).
    const caItself = await problem(pemForm(ca));
    expect(caItself.problem).toBe('not-for-clients');
    expect(caItself.message).toMatch(
      /^The client certificate \(O=IPAM A, CN=IPAM A CA\) is a CA certificate: /,
    );

    const wrongCa = await problem(pemForm(stranger));
    expect(wrongCa.problem).toBe('wrong-ca');
    expect(wrongCa.message).toContain('did not issue the client certificate');
    expect(wrongCa.message).toContain('IPAM B CA');

    const mismatch = await problem(
      pemForm(good, {
        client: { format: 'pem', cert: await read(good.certFile), key: await read(stranger.keyFile) },
      }),
    );
    expect(mismatch.problem).toBe('key-mismatch');
    expect(mismatch.message).toMatch(
      /^The client key does not match the client certificate \(CN=console-a\)/,
    );

    const wrongPass = await problem(p12Form('not it'));
    expect(wrongPass.problem).toBe('wrong-passphrase');
    expect(wrongPass.message).toBe(
      'The PKCS#12 passphrase is wrong: type the passphrase the bundle was exported with.',
    );

    const junk = await problem(p12Form('x', Buffer.from('not a bundle').toString('base64')));
    expect(junk.problem).toBe('unreadable');

    const notPem = await problem(pemForm(good, { ca: 'hello' }));
    expect(notPem.problem).toBe('not-a-certificate');
  });

  it('checks the signing key against its certificate', async () => {
    const signing = { cert: await read(signer.certFile), key: await read(good.keyFile) };
    const e = await problem(pemForm(good, { signing }));
    expect(e.problem).toBe('key-mismatch');
    expect(e.part).toBe('signing');
  });
});

describe('ProfileRegistry', () => {
  it('imports a bundle as a directory with sealed keys only, and lists it', async () => {
    const registry = new ProfileRegistry(join(dir, 'profiles'));
    const sealer = passphraseSealer('registry pass');
    const form = await pemForm(good, {
      signing: { cert: await read(signer.certFile), key: await read(signer.keyFile) },
    });
    const entry = await registry.importBundle(form, sealer);
    expect(entry).toEqual({ name: 'IPAM A', file: join(dir, 'profiles', 'IPAM A', 'profile.json') });

    // No private key in clear anywhere under the registry, and the sealed files are the owner's only.
    const files = await readdir(join(dir, 'profiles'), { recursive: true });
    for (const f of files) {
      const path = join(dir, 'profiles', f);
      if (!(await stat(path)).isFile()) continue;
      expect(await read(path)).not.toMatch(/PRIVATE KEY/);
    }
    const profile = await loadConsoleProfile(entry.file);
    expect(profile).toMatchObject({ name: 'IPAM A', consoleId: 'console-a', brokers });
    expect((await stat(profile.tls.keyFile)).mode & 0o777).toBe(0o600);
    const label = { purpose: 'tls' as const, profile: 'IPAM A' };
    expect(
      await unsealPrivateKey(await read(profile.tls.keyFile), profile.tls.keyFile, label, [sealer]),
    ).toBe(await read(good.keyFile));

    const [summary] = await Promise.all(
      (await registry.list()).map((e) => registry.describe(e, '/elsewhere')),
    );
    expect(summary).toMatchObject({
      name: 'IPAM A',
      consoleId: 'console-a',
      active: false,
      ca: { subject: 'O=IPAM A, CN=IPAM A CA' },
      client: { subject: 'CN=console-a', issuer: 'O=IPAM A, CN=IPAM A CA' },
      signing: { subject: 'CN=signer' },
    });

    await expect(registry.importBundle(form, sealer)).rejects.toThrow(
      'A profile named "IPAM A" exists already',
    );
    // A refused bundle leaves nothing behind, not even a staging directory.
    await expect(registry.importBundle(await pemForm(expired, { name: 'old' }), sealer)).rejects.toThrow(
      BundleError,
    );
    expect(await readdir(join(dir, 'profiles'))).toEqual(['IPAM A']);
  });

  it('lists the --profile file first, under its own name, and a missing directory as empty', async () => {
    const extra = { name: 'SMT Lab', file: '/lab/console-profile.json' };
    expect(await new ProfileRegistry(join(dir, 'none'), [extra]).list()).toEqual([extra]);
    const summary = await new ProfileRegistry(join(dir, 'none')).describe(extra, '/lab/console-profile.json');
    expect(summary).toMatchObject({
      name: 'SMT Lab',
      active: true,
      problem: expect.stringContaining('does not exist'),
    });
  });
});
