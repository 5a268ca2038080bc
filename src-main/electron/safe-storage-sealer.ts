import { randomBytes } from 'node:crypto';
import type { SafeStorage } from 'electron';
import { KeyUnavailableError, type Kek, type KeySealer } from '../../src-node/secrets';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/**
 * Whether the OS keyring really protects a key here: encryption available, and on Linux not the
 * `basic_text` backend (a key compiled into Electron). Only then is the keyring offered as a sealing.
 */
export function keyringProtects(storage: SafeStorageLike, platform = process.platform): boolean {
  if (!storage.isEncryptionAvailable()) return false;
  return !(platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text');
}

/**
 * Content keys wrapped by the OS keyring through Electron safeStorage (design.md §7): a random 32-byte
 * key per file, which only this user on this machine can unwrap, so the desktop app needs no passphrase.
 * Usable only after the app is ready.
 */
export function safeStorageSealer(storage: SafeStorageLike, platform = process.platform): KeySealer {
  const check = () => {
    if (!storage.isEncryptionAvailable()) {
      throw new Error(
        'the OS keyring is not available (safeStorage): seal the console keys with a passphrase',
      );
    }
    // Without a keyring Electron on Linux falls back to a fixed key compiled into it: no protection at all.
    if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') {
      throw new Error(
        'no OS keyring on this desktop (safeStorage would use a built-in key): seal the console keys with a passphrase',
      );
    }
  };
  return {
    kind: 'safe-storage',
    secret: 'OS keyring',
    async newKey() {
      check();
      const key = randomBytes(32);
      const kek: Kek = {
        kind: 'safe-storage',
        wrapped: storage.encryptString(key.toString('base64')).toString('base64'),
      };
      return { kek, key };
    },
    async openKey(kek) {
      if (kek.kind !== 'safe-storage') throw new Error(`the OS keyring cannot open a ${kek.kind} key`);
      check();
      let key: Buffer;
      try {
        key = Buffer.from(storage.decryptString(Buffer.from(kek.wrapped, 'base64')), 'base64');
      } catch {
        // Another user's or machine's keyring: to the admin this is the same as a wrong passphrase.
        throw new KeyUnavailableError('the OS keyring cannot unwrap this key');
      }
      if (key.length !== 32) throw new KeyUnavailableError('the unwrapped key is not 32 bytes');
      return key;
    },
  };
}
