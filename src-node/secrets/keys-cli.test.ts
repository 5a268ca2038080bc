import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrivateKey } from './key-policy';
import { UsageError } from '../command-line';
import { parseKeysArgs, sealKeyFile } from './keys-cli';
import { passphraseSealer } from './passphrase-sealer';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-keys-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run keys -- seal', () => {
  it('parses its arguments and says what is wrong', () => {
    expect(parseKeysArgs(['seal', 'a.key', '--purpose', 'signing', '--profile-name', 'IPAM 1'])).toEqual({
      file: 'a.key',
      purpose: 'signing',
      profileName: 'IPAM 1',
    });
    expect(() => parseKeysArgs(['seal', 'a.key', '--purpose', 'x', '--profile-name', 'p'])).toThrow(
      '--purpose is "tls" or "signing"',
    );
    expect(() => parseKeysArgs(['seal', 'a.key', '--purpose', 'tls'])).toThrow(
      '--profile-name <name> is required',
    );
    expect(() => parseKeysArgs(['unseal', 'a.key'])).toThrow(UsageError);
  });

  it('writes a 0600 sealed file the console opens, and never overwrites one', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const file = join(dir, 'console.key');
    await writeFile(file, pem, { mode: 0o600 });
    const args = { file, purpose: 'tls' as const, profileName: 'IPAM 1' };
    const out = await sealKeyFile(args, 'pw for test');
    expect(out).toBe(`${file}.sealed`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    const policy = { sealed: true as const, profile: 'IPAM 1', sealers: [passphraseSealer('pw for test')] };
    expect(await openPrivateKey(text, out, 'tls', policy)).toBe(pem);
    await expect(sealKeyFile(args, 'pw for test')).rejects.toThrow(/EEXIST/);
  });

  it('refuses a file that is not a private key', async () => {
    const file = join(dir, 'cert.pem');
    await writeFile(file, 'hello\n');
    await expect(sealKeyFile({ file, purpose: 'tls', profileName: 'p' }, 'pw')).rejects.toThrow(
      `${file} is not an unencrypted PEM private key`,
    );
  });
});
