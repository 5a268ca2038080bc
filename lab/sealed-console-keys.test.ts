import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigSigner } from '../src-node/crypto/config-signature';
import { isSealedKey } from '../src-node/secrets';
import { loadTlsMaterial } from '../src-node/tls';
import { ConsoleProfile } from '../src-shared/profile';
import { consoleProfilePath, labConsoleKeys, labConsoleTls, provision } from './lab';

/**
 * The lab writes the console's two private keys sealed (docs/security.md, "Secrets at rest"). Its own CA
 * key, the broker's server key and keystore and the remotes' keys are the lab's and the agents', not
 * the console's, and stay plain: they are listed here, and everything else must hold no clear key.
 */
const notTheConsoles = [/^pki\/ca\.key$/, /^pki\/server\.key$/, /^pki\/remotes\/[^/]+\.key$/];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-lab-sealed-'));
  await provision(['r-0001'], { dir }); // prepares the PKI and the console profile, starts no broker
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The base64 body lines of a PEM key: what a copy of it anywhere would contain. */
const bodyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));

describe('the lab console profile directory', () => {
  it("holds the console's TLS and signing keys only sealed, and no other clear key but the lab's own", async () => {
    const profile = ConsoleProfile.parse(JSON.parse(await readFile(consoleProfilePath({ dir }), 'utf8')));
    const signing = profile.signing;
    if (!signing) throw new Error('the lab profile names no signing key');
    for (const keyFile of [profile.tls.keyFile, signing.keyFile]) {
      expect(isSealedKey(await readFile(keyFile, 'utf8')), keyFile).toBe(true);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    }

    const keys = await labConsoleKeys({ dir });
    const tls = await labConsoleTls({ dir });
    const signer = await loadConfigSigner(signing, new Date(), keys);
    const signerPem = signer.key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const secrets = [...bodyLines(tls.key), ...bodyLines(signerPem)];
    expect(secrets.length).toBeGreaterThan(3);

    const files = await filesUnder(dir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = (await readFile(file)).toString('latin1');
      for (const line of secrets)
        expect(text.includes(line), `${file} holds a console key in clear`).toBe(false);
      const rel = relative(dir, file);
      if (!notTheConsoles.some((re) => re.test(rel))) {
        expect(text.includes('PRIVATE KEY'), `${rel} holds a clear private key`).toBe(false);
      }
    }
  });

  it('keeps the lab passphrase in a 0600 file, and a plain load of the sealed key is refused', async () => {
    expect((await stat(join(dir, 'console-passphrase'))).mode & 0o777).toBe(0o600);
    const profile = ConsoleProfile.parse(JSON.parse(await readFile(consoleProfilePath({ dir }), 'utf8')));
    await expect(loadTlsMaterial(profile.tls)).rejects.toThrow(
      'is sealed, but this program reads plain PEM keys only',
    );
  });
});
