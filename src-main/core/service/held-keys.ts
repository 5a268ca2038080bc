import type { ProfileSummary, Sealing, SealingKind } from '../../../src-shared/ipc/profile-views';
import { passphraseSealer, type KeySealer } from '../../../src-node/secrets';
import { loadConsoleProfile } from '../profile';
import { describeProfile, sealingOf, type ProfileEntry } from '../profiles/registry';
import { CallError } from './handlers';
import type { ProfileSwitching } from './profile-handlers';

/**
 * What this console holds to unseal profiles' keys: the host's keyring (only where it protects the key),
 * the passphrase given at start for automation, and the passphrases typed (or set at import) this run.
 */
export class HeldKeys {
  /** Passphrases typed (or set at import) this run, per profile name: memory only, never written. */
  private readonly passphrases = new Map<string, string>();

  constructor(private readonly profiles: ProfileSwitching | undefined) {}

  /** Which sealing kinds this host offers: the keyring only where the host says it protects the key. */
  kinds(): SealingKind[] {
    return this.profiles?.keyring ? ['keyring', 'passphrase'] : ['passphrase'];
  }

  passphraseFor(name: string): string | undefined {
    return this.passphrases.get(name) ?? this.profiles?.startPassphrase;
  }

  /** Holds the passphrase that opened (or sealed) a profile, when one was given. */
  hold(name: string, passphrase: string | undefined): void {
    if (passphrase !== undefined) this.passphrases.set(name, passphrase);
  }

  /** The keyring when the host has one, and the passphrase typed (or held) for this profile. */
  sealersFor(name: string, passphrase?: string): KeySealer[] {
    const list: KeySealer[] = [];
    if (this.profiles?.keyring) list.push(this.profiles.keyring);
    const p = passphrase ?? this.passphraseFor(name);
    if (p !== undefined && p.length > 0) list.push(passphraseSealer(p));
    return list;
  }

  /**
   * The sealer an import uses for the admin's choice, and the passphrase to hold if any. With no choice
   * made: the keyring where there is one, else the passphrase held for the open profile (`openName`), or
   * the start passphrase when none is open.
   */
  forImport(
    sealing: Sealing | undefined,
    openName: string | undefined,
  ): { sealer: KeySealer; passphrase?: string } {
    if (sealing?.kind === 'passphrase') {
      return { sealer: passphraseSealer(sealing.passphrase), passphrase: sealing.passphrase };
    }
    const keyring = this.profiles?.keyring;
    if (sealing?.kind === 'keyring' || (sealing === undefined && keyring)) {
      if (!keyring) {
        throw new CallError(
          'bad-request',
          'The OS keyring cannot protect keys here (no keyring, or Electron would use a built-in key): seal this profile with a passphrase.',
        );
      }
      return { sealer: keyring };
    }
    const held = openName !== undefined ? this.passphraseFor(openName) : this.profiles?.startPassphrase;
    if (held === undefined) {
      throw new CallError(
        'bad-request',
        'Choose how the keys of this profile are sealed: set a passphrase (typed twice).',
      );
    }
    return { sealer: passphraseSealer(held), passphrase: held };
  }

  /** Marks the passphrase-sealed profiles this console holds no passphrase for. */
  decorate(summary: ProfileSummary): ProfileSummary {
    const needs =
      summary.sealedWith === 'passphrase' &&
      !summary.active &&
      this.passphraseFor(summary.name) === undefined;
    return needs ? { ...summary, needsPassphrase: true } : summary;
  }

  /** The profile's summary as the renderer sees it; `activeFile` is the open profile's file, or ''. */
  async describe(entry: ProfileEntry, activeFile: string): Promise<ProfileSummary> {
    return this.decorate(await describeProfile(entry, activeFile));
  }
}

/** How the profile's keys are sealed; undefined when its files cannot be read. */
export async function sealedWith(entry: ProfileEntry): Promise<SealingKind | undefined> {
  try {
    return await sealingOf(await loadConsoleProfile(entry.file));
  } catch {
    return undefined;
  }
}
