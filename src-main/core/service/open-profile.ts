import type { EventPayloads } from '../../../src-shared/ipc/contract';
import type { ProfileSummary, StartState, UnlockRequest } from '../../../src-shared/ipc/profile-views';
import { errorText } from '../../../src-shared/util/error-text';
import type { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import type { LogSink } from '../../../src-node/log';
import { isWrongSecret } from '../../../src-node/secrets';
import { writeLastProfile } from '../profiles/last-profile';
import type { ProfileEntry } from '../profiles/registry';
import { CallError } from './handlers';
import { sealedWith, type HeldKeys } from './held-keys';
import type { ProfileSwitching } from './profile-handlers';
import type { ProfileSession } from './profile-session';
import { forwardSessionEvents } from './service-dispatch';
import type { StartScreen } from './start-state';
import { waitMessage } from './unlock-throttle';

/** What every call that needs a profile answers while none is open (onboarding, unlock screen). */
export const NO_PROFILE_OPEN = 'No profile is open: import one or unlock one first.';

export interface OpenProfileDeps {
  profiles: ProfileSwitching | undefined;
  keys: HeldKeys;
  start: StartScreen;
  /** The service's events: the open session's are forwarded here, and each change of profile. */
  events: TypedEmitter<EventPayloads>;
  log: LogSink;
  now: () => number;
  actor: string;
}

/**
 * The console's open profile session (at most one) and every way it changes: opened at start, unlocked,
 * opened after the first import, switched to another. A change wires the new session's events and
 * announces it; the old session is closed only once the new one is open.
 */
export class OpenProfile {
  private unwire: () => void = () => undefined;
  /**
   * A switch or unlock under way, claimed when the call arrives (before the profile is looked up, so of
   * two quick calls the first wins): a second one is refused rather than queued behind it.
   */
  private switching: Promise<unknown> | undefined;

  constructor(
    private session: ProfileSession | undefined,
    private readonly deps: OpenProfileDeps,
  ) {
    this.wire();
  }

  get current(): ProfileSession | undefined {
    return this.session;
  }

  /** The open profile's session; refuses the call when none is open. */
  require(): ProfileSession {
    if (!this.session) throw new CallError('unavailable', NO_PROFILE_OPEN);
    return this.session;
  }

  startState(): Promise<StartState> {
    return this.deps.start.read(this.session);
  }

  /** At start, with no session yet: opens the profile the start screen picks, when it needs no question. */
  async openAtStart(prefer: string | undefined): Promise<void> {
    if (this.session || !this.deps.profiles) return;
    const pick = await this.deps.start.toOpenAtStart(prefer);
    if (!pick) return;
    const { entry, kind } = pick;
    try {
      await this.adopt(entry, await this.deps.profiles.open(entry, this.deps.keys.sealersFor(entry.name)));
    } catch (e) {
      this.deps.log({
        level: 'warn',
        msg: `profile ${entry.name} could not be opened at start`,
        error: String(e),
      });
      // A passphrase given for automation that does not fit is for the admin to type instead.
      if (kind === 'keyring') this.deps.start.failedAtStart(entry.name, errorText(e));
    }
  }

  unlock({ name, passphrase }: UnlockRequest): Promise<ProfileSummary> {
    if (this.session) {
      return Promise.reject(
        new CallError(
          'bad-request',
          `"${this.session.name}" is open already: switch profiles from the connection bar instead.`,
        ),
      );
    }
    return this.claim(async () => {
      const entry = await this.deps.profiles?.registry.find(name);
      if (!entry) throw new CallError('not-found', `No profile named "${name}": import it first.`);
      const session = await this.tryOpen(entry, passphrase);
      await this.adopt(entry, session, passphrase);
      return this.describe(entry);
    });
  }

  /** After an import: with no profile open the new one is opened; its passphrase is held either way. */
  async imported(entry: ProfileEntry, passphrase: string | undefined): Promise<void> {
    if (this.session || this.switching) {
      this.deps.keys.hold(entry.name, passphrase);
      return;
    }
    try {
      await this.claim(async () => {
        await this.adopt(entry, await this.tryOpen(entry, passphrase), passphrase);
      });
    } catch (e) {
      // The profile is written and stays: the page moves from onboarding to the unlock screen, with why.
      await this.emitStartState();
      const why = errorText(e);
      throw new CallError(
        'unavailable',
        `Imported "${entry.name}", but ${why.charAt(0).toLowerCase()}${why.slice(1)}`,
      );
    }
  }

  /**
   * Finds the profile named and opens it beside the current session, and only then swaps: a profile
   * that cannot be opened (keys that do not unseal, unreadable files) leaves the current one running and
   * says why. The old session is closed (its broker connection with it) once the new one carries the
   * events. With no profile open, this is an unlock.
   */
  switchTo(name: string, passphrase: string | undefined): Promise<ProfileEntry> {
    const { profiles: switching, keys, start, events, log } = this.deps;
    if (!switching)
      return Promise.reject(new CallError('unavailable', 'This console has no profiles to switch to.'));
    const previous = this.session;
    if (!previous)
      return this.unlock({ name, ...(passphrase ? { passphrase } : {}) }).then(() => ({
        name,
        file: this.require().profileFile,
      }));
    return this.claim(async () => {
      const entry = await switching.registry.find(name);
      if (!entry) throw new CallError('not-found', `No profile named "${name}": import it first.`);
      if (entry.file === previous.profileFile) {
        throw new CallError('bad-request', `"${entry.name}" is the profile in use already.`);
      }
      let next: ProfileSession;
      try {
        next = await this.tryOpen(entry, passphrase);
      } catch (e) {
        if (e instanceof CallError && e.code === 'unavailable' && e.message.startsWith('Profile "')) {
          throw new CallError('unavailable', `${e.message} Still using "${previous.name}".`);
        }
        throw e;
      }
      keys.hold(entry.name, passphrase);
      start.throttle.succeeded();
      this.unwire();
      this.session = next;
      this.wire();
      const record = (subject: string, detail: Record<string, string>) => ({
        at: this.deps.now(),
        actor: this.deps.actor,
        action: 'profile-switch',
        subject,
        detail,
      });
      previous.push.store.audit(record(entry.name, { from: previous.name, to: entry.name }));
      next.push.store.audit(record(entry.name, { from: previous.name, to: entry.name }));
      await previous
        .close()
        .catch((e: unknown) =>
          log({ level: 'error', msg: `closing profile ${previous.name} failed`, error: String(e) }),
        );
      await this.remember(entry.name);
      log({ level: 'info', msg: `switched profile ${previous.name} -> ${entry.name}` });
      events.emit('profileChanged', await this.describe(entry));
      events.emit('connectionChanged', next.core.connectionStatus());
      await this.emitStartState();
      return entry;
    });
  }

  /** Waits for a switch under way, then stops forwarding events and closes the session. */
  async close(): Promise<void> {
    await this.switching?.catch(() => undefined);
    this.unwire();
    await this.session?.close();
  }

  private describe(entry: ProfileEntry): Promise<ProfileSummary> {
    return this.deps.keys.describe(entry, this.session?.profileFile ?? '');
  }

  /** One switch or unlock at a time; a second is refused, not queued. */
  private claim<T>(run: () => Promise<T>): Promise<T> {
    if (this.switching) {
      return Promise.reject(
        new CallError('unavailable', 'Another profile switch is under way: try again once it is done.'),
      );
    }
    const running = run().finally(() => {
      this.switching = undefined;
    });
    this.switching = running;
    return running;
  }

  /**
   * Opens the profile's session with the keyring and the passphrase given (or held). A wrong passphrase
   * counts towards the throttle and answers `forbidden`; nothing on disk changes either way.
   */
  private async tryOpen(entry: ProfileEntry, passphrase: string | undefined): Promise<ProfileSession> {
    const { profiles, keys, start, log } = this.deps;
    if (!profiles) throw new CallError('unavailable', 'This console has no profiles to open.');
    const kind = await sealedWith(entry);
    if (kind === 'passphrase' && passphrase === undefined && keys.passphraseFor(entry.name) === undefined) {
      throw new CallError(
        'forbidden',
        `Profile "${entry.name}" is sealed with a passphrase this console does not hold: type it to open the profile.`,
      );
    }
    if (passphrase !== undefined) {
      const wait = start.throttle.waitMs();
      if (wait > 0) throw new CallError('unavailable', waitMessage(wait));
    }
    try {
      return await profiles.open(entry, keys.sealersFor(entry.name, passphrase));
    } catch (e) {
      if (passphrase !== undefined && kind === 'passphrase' && isWrongSecret(e)) {
        start.throttle.failed();
        const wait = start.throttle.waitMs();
        log({ level: 'warn', msg: `wrong passphrase for profile ${entry.name}` });
        // The unlock screen shows the wait from this event, before the answer arrives.
        if (!this.session) await this.emitStartState();
        throw new CallError(
          'forbidden',
          `Wrong passphrase for "${entry.name}": type it again.${wait > 0 ? ` ${waitMessage(wait)}` : ''}`,
        );
      }
      log({ level: 'warn', msg: `profile ${entry.name} could not be opened`, error: String(e) });
      // Another console has it: its own message says what to do.
      if (e instanceof Error && e.name === 'ProfileLockedError')
        throw new CallError('unavailable', e.message);
      throw new CallError('unavailable', `Profile "${entry.name}" could not be opened: ${errorText(e)}.`);
    }
  }

  /** The first session of this run (unlock, first import, start): wired, remembered, announced. */
  private async adopt(entry: ProfileEntry, next: ProfileSession, passphrase?: string): Promise<void> {
    this.deps.keys.hold(entry.name, passphrase);
    this.session = next;
    this.wire();
    this.deps.start.opened(entry.name);
    await this.remember(entry.name);
    this.deps.log({ level: 'info', msg: `opened profile ${entry.name}` });
    await this.emitStartState();
    this.deps.events.emit('profileChanged', await this.describe(entry));
    this.deps.events.emit('connectionChanged', next.core.connectionStatus());
  }

  private async remember(name: string): Promise<void> {
    if (!this.deps.profiles) return;
    await writeLastProfile(this.deps.profiles.registry.dir, name).catch((e: unknown) =>
      this.deps.log({ level: 'warn', msg: 'could not remember the last profile', error: String(e) }),
    );
  }

  private async emitStartState(): Promise<void> {
    try {
      this.deps.events.emit('startStateChanged', await this.startState());
    } catch (e) {
      this.deps.log({ level: 'error', msg: 'start state could not be read', error: String(e) });
    }
  }

  private wire(): void {
    if (this.session) this.unwire = forwardSessionEvents(this.session, this.deps.events, this.deps.now);
  }
}
