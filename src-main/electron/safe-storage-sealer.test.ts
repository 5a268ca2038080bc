import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SealedKeyError, passphraseSealer, sealPrivateKey, unsealPrivateKey } from '../../src-node/secrets';
import { safeStorageSealer, type SafeStorageLike } from './safe-storage-sealer';

/** Stands in for one user's OS keyring: a secret key of its own, as safeStorage has. */
function stubKeyring(
  backend: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>> = 'gnome_libsecret',
) {
  const secret = randomBytes(32);
  const iv = Buffer.alloc(16, 7);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (text: string) => {
      const c = createCipheriv('aes-256-cbc', secret, iv);
      return Buffer.concat([c.update(text, 'utf8'), c.final()]);
    },
    decryptString: (data: Buffer) => {
      const d = createDecipheriv('aes-256-cbc', secret, iv);
      return Buffer.concat([d.update(data), d.final()]).toString('utf8');
    },
  } satisfies SafeStorageLike;
}

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const label = { purpose: 'signing' as const, profile: 'IPAM 1' };
const FILE = '/home/admin/.config/smt/signer.key.sealed';

describe('safeStorageSealer', () => {
  it('round-trips through the keyring and keeps nothing in clear', async () => {
    const sealer = safeStorageSealer(stubKeyring(), 'linux');
    const text = await sealPrivateKey(pem, label, sealer);
    expect(text).not.toContain('PRIVATE KEY');
    expect(JSON.parse(text)).toMatchObject({ kek: { kind: 'safe-storage' } });
    expect(await unsealPrivateKey(text, FILE, label, [sealer])).toBe(pem);
  });

  it("refuses another keyring's file as a wrong key, and a passphrase cannot open it", async () => {
    const text = await sealPrivateKey(pem, label, safeStorageSealer(stubKeyring(), 'linux'));
    const e = await unsealPrivateKey(text, FILE, label, [safeStorageSealer(stubKeyring(), 'linux')]).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SealedKeyError);
    expect((e as Error).message).toBe(`wrong OS keyring or damaged key file ${FILE}`);
    await expect(unsealPrivateKey(text, FILE, label, [passphraseSealer('pw')])).rejects.toThrow(
      'sealed with the OS keyring (Electron safeStorage), which this program was not given',
    );
  });

  it('refuses to seal with Linux basic_text storage or without a keyring', async () => {
    await expect(safeStorageSealer(stubKeyring('basic_text'), 'linux').newKey()).rejects.toThrow(
      'no OS keyring on this desktop',
    );
    const none = { ...stubKeyring(), isEncryptionAvailable: () => false };
    await expect(safeStorageSealer(none, 'linux').newKey()).rejects.toThrow(
      'the OS keyring is not available',
    );
  });
});
