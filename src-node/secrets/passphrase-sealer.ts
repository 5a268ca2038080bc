import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import type { Kek, KeySealer } from './sealer';

/** scrypt cost for new files: about 0.1 s and 32 MiB per key on this class of machine. */
export const scryptDefaults = { N: 2 ** 15, r: 8, p: 1 } as const;

function derive(passphrase: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses scrypt above maxmem (32 MiB by default), which N = 2^15, r = 8 already reaches.
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + (1 << 20) };
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** Content keys derived with scrypt from a passphrase typed once per start (browser host, CLI, tests). */
export function passphraseSealer(passphrase: string, params = scryptDefaults): KeySealer {
  if (passphrase.length === 0) throw new Error('the passphrase is empty');
  return {
    kind: 'scrypt',
    secret: 'passphrase',
    async newKey() {
      const salt = randomBytes(16);
      const kek: Kek = { kind: 'scrypt', ...params, salt: salt.toString('base64') };
      return { kek, key: await derive(passphrase, salt, params) };
    },
    async openKey(kek) {
      if (kek.kind !== 'scrypt') throw new Error(`a passphrase cannot open a ${kek.kind} key`);
      return derive(passphrase, Buffer.from(kek.salt, 'base64'), kek);
    },
  };
}
