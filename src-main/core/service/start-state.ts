import type { LockedProfile, SealingKind, StartState } from '../../../src-shared/ipc/profile-views';
import { readLastProfile } from '../profiles/last-profile';
import { describeProfile, type ProfileEntry } from '../profiles/registry';
import { sealedWith, type HeldKeys } from './held-keys';
import type { ProfileSwitching } from './profile-handlers';
import type { ProfileSession } from './profile-session';
import { UnlockThrottle } from './unlock-throttle';

/**
 * What the start screen shows (docs/profiles.md, "First run and unlocking"): onboarding, the unlock
 * screen or the open profile; and what lies behind it while no profile is open: the profile to preselect
 * (or open at start), why one could not be opened at start, and the throttle on wrong passphrases.
 */
export class StartScreen {
  /** The console's one count of wrong passphrases in a row, whichever profile they were for. */
  readonly throttle: UnlockThrottle;
  /** Why a profile could not be opened at start without a question (a keyring that would not unwrap). */
  private readonly problems = new Map<string, string>();
  /** The profile the console was started with (--profile): preselected at the unlock screen. */
  private preferred: string | undefined;

  constructor(
    private readonly profiles: ProfileSwitching | undefined,
    private readonly keys: HeldKeys,
    now: () => number,
  ) {
    this.throttle = new UnlockThrottle(now);
  }

  async read(current: ProfileSession | undefined): Promise<StartState> {
    const sealing = this.keys.kinds();
    if (current) {
      return {
        kind: 'open',
        profile: await this.keys.describe(
          { name: current.name, file: current.profileFile },
          current.profileFile,
        ),
        sealing,
        passphraseHeld: this.keys.passphraseFor(current.name) !== undefined,
      };
    }
    const entries = (await this.profiles?.registry.list()) ?? [];
    if (entries.length === 0) return { kind: 'onboarding', sealing };
    return {
      kind: 'locked',
      profiles: await Promise.all(entries.map((e) => this.lockedView(e))),
      last: await this.lastName(entries),
      retryAfterMs: this.throttle.waitMs(),
      sealing,
    };
  }

  /**
   * The profile to open at start: the one named (--profile), else the one opened last, else the only
   * one, when that needs no question (keyring-sealed with the keyring here, or a passphrase given for
   * automation). Undefined leaves the console locked, at the unlock screen.
   */
  async toOpenAtStart(
    prefer: string | undefined,
  ): Promise<{ entry: ProfileEntry; kind: SealingKind } | undefined> {
    if (!this.profiles) return undefined;
    this.preferred = prefer;
    const entries = await this.profiles.registry.list();
    const name = await this.lastName(entries);
    const entry = entries.find((e) => e.name === name);
    if (!entry) return undefined;
    const kind = await sealedWith(entry);
    if (kind === undefined) return undefined;
    if (kind === 'keyring' && !this.profiles.keyring) return undefined;
    if (kind === 'passphrase' && this.keys.passphraseFor(entry.name) === undefined) return undefined;
    return { entry, kind };
  }

  /** The profile could not be opened at start: the unlock screen says why. */
  failedAtStart(name: string, problem: string): void {
    this.problems.set(name, problem);
  }

  /** The profile was opened: the wrong tries and its start problem are forgotten. */
  opened(name: string): void {
    this.throttle.succeeded();
    this.problems.delete(name);
  }

  private async lastName(entries: readonly ProfileEntry[]): Promise<string | null> {
    const has = (name: string | undefined) => name !== undefined && entries.some((e) => e.name === name);
    if (has(this.preferred)) return this.preferred ?? null;
    const remembered = this.profiles ? await readLastProfile(this.profiles.registry.dir) : undefined;
    if (has(remembered)) return remembered ?? null;
    return entries.length === 1 ? (entries[0]?.name ?? null) : null;
  }

  private async lockedView(entry: ProfileEntry): Promise<LockedProfile> {
    const summary = await describeProfile(entry, '');
    const sealedWith = summary.sealedWith ?? null;
    const problem =
      summary.problem ??
      this.problems.get(entry.name) ??
      (summary.consoleId && sealedWith === null
        ? `its key file cannot be read or is not sealed: import the profile again`
        : sealedWith === 'keyring' && !this.profiles?.keyring
          ? 'its keys are sealed with the OS keyring, which this console cannot use here: start the desktop app in your desktop session, or import the profile again with a passphrase'
          : undefined);
    return {
      name: entry.name,
      consoleId: summary.consoleId,
      sealedWith,
      ...(problem === undefined ? {} : { problem }),
    };
  }
}
