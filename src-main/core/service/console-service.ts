import { z } from 'zod';
import {
  calls,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type EventPayloads,
  type SmtBackend,
} from '../../../src-shared/ipc/contract';
import { eventNames } from '../../../src-shared/ipc/names';
import { err, ok, type IpcResult } from '../../../src-shared/ipc/result';
import { silentLog, type LogSink } from '../../../src-node/log';
import { osUser } from '../../../src-node/os-user';
import { auditHandlers } from './audit-handlers';
import { brokerHandlers } from './broker-handlers';
import { deliveryHandlers } from './delivery-handlers';
import { draftHandlers } from './draft-handlers';
import { toProgressEvent } from '../push/push-views';
import { fleetHandlers } from './fleet-handlers';
import { CallError, type Handler, type Handlers } from './handlers';
import type {
  LockedProfile,
  ProfileSummary,
  Sealing,
  SealingKind,
  StartState,
  UnlockRequest,
} from '../../../src-shared/ipc/profile-views';
import { isWrongSecret, passphraseSealer, type KeySealer } from '../../../src-node/secrets';
import { loadConsoleProfile } from '../profile';
import { readLastProfile, writeLastProfile } from '../profiles/last-profile';
import { describeProfile, sealingOf, type ProfileEntry } from '../profiles/registry';
import { profileHandlers, type ProfileSwitching } from './profile-handlers';
import { UnlockThrottle, waitMessage } from './unlock-throttle';
import type { ProfileSession } from './profile-session';
import { pushHandlers } from './push-handlers';
import { remoteHandlers } from './remote-handlers';
import { servedHandlers } from './served-handlers';
import { trendHandlers } from './trend-handlers';
import { errorText } from '../../../src-shared/util/error-text';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';

/** What every call that needs a profile answers while none is open (onboarding, unlock screen). */
export const NO_PROFILE_OPEN = 'No profile is open: import one or unlock one first.';

export interface ConsoleServiceOptions {
  log?: LogSink;
  now?: () => number;
  /** Who acts through this console, for the audit trail (the OS user by default). */
  actor?: string;
  /** How long a command call waits for the remotes' answers. */
  commandWaitMs?: number;
  /** How long a remote has to answer a query (served view, draft check). */
  queryTimeoutMs?: number;
  /** Several profiles to list, switch to and import into; without it the console lists only its own. */
  profiles?: ProfileSwitching;
}

/**
 * The console as the renderer sees it (the contract's one backend, for Electron's main process and the
 * browser host): every call validated against the contract and answered by its domain's handler over
 * the current profile session; events forwarded from that session.
 *
 * It may exist with no session (docs/profiles.md, "First run and unlocking"): then the start state is
 * onboarding (no profile at all) or locked, and every call that needs a profile answers `unavailable`.
 */
export class ConsoleService implements SmtBackend {
  private readonly log: LogSink;
  private readonly handlers: Handlers;
  private readonly now: () => number;
  private readonly events = new TypedEmitter<EventPayloads>({
    names: eventNames,
    onError: (event, e) => this.log({ level: 'error', msg: `${event} listener failed`, error: String(e) }),
  });
  private unwire: () => void = () => undefined;
  /**
   * A switch or unlock under way, claimed when the call arrives (before the profile is looked up, so of
   * two quick calls the first wins): a second one is refused rather than queued behind it.
   */
  private switching: Promise<unknown> | undefined;
  private readonly actor: string;
  private readonly profiles: ProfileSwitching | undefined;
  /** Passphrases typed (or set at import) this run, per profile name: memory only, never written. */
  private readonly passphrases = new Map<string, string>();
  private readonly throttle: UnlockThrottle;
  /** Why a profile could not be opened at start without a question (a keyring that would not unwrap). */
  private readonly startProblems = new Map<string, string>();
  /** The profile the console was started with (--profile): preselected at the unlock screen. */
  private preferred: string | undefined;

  constructor(
    private current: ProfileSession | undefined,
    opts: ConsoleServiceOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    const now = opts.now ?? Date.now;
    this.now = now;
    this.actor = opts.actor ?? osUser();
    this.profiles = opts.profiles;
    this.throttle = new UnlockThrottle(now);
    const session = () => this.requireSession();
    const actor = this.actor;
    this.handlers = {
      ...fleetHandlers(session, now),
      ...trendHandlers(session),
      ...remoteHandlers(session, {
        actor,
        now,
        commandWaitMs: opts.commandWaitMs ?? 15_000,
      }),
      ...deliveryHandlers(session),
      ...auditHandlers(session, now),
      ...brokerHandlers(session, { now, log: this.log }),
      ...servedHandlers(session, { queryTimeoutMs: opts.queryTimeoutMs ?? 8_000 }),
      ...draftHandlers(session, {
        actor,
        now,
        checkTimeoutMs: opts.queryTimeoutMs ?? 8_000,
      }),
      ...pushHandlers(session, { actor, now }),
      ...profileHandlers(() => this.current, {
        switching: opts.profiles,
        actor: this.actor,
        now,
        switchTo: (name, passphrase) => this.switchTo(name, passphrase),
        sealerForImport: (sealing) => this.sealerForImport(sealing),
        imported: (entry, sealing) => this.imported(entry, sealing),
        decorate: (summary) => this.decorate(summary),
      }),
      getStartState: () => this.startState(),
      unlockProfile: (request) => this.unlock(request),
    };
    this.wire();
  }

  /** The open profile's session; throws when none is open (tests and hosts that started one). */
  get session(): ProfileSession {
    return this.requireSession();
  }

  async handle<C extends CallName>(call: C, args: CallArgs<C>): Promise<IpcResult<CallResult<C>>> {
    const spec = (calls as Record<string, (typeof calls)[CallName] | undefined>)[call];
    const handler = (this.handlers as Record<string, Handler<C> | undefined>)[call];
    if (!spec || !handler) return err('bad-request', `unknown call "${String(call)}"`);
    const parsed = (spec.args as z.ZodType).safeParse(args);
    if (!parsed.success)
      return err('bad-request', `bad arguments for ${call}: ${z.prettifyError(parsed.error)}`);
    try {
      return ok(await handler(...(parsed.data as CallArgs<C>)));
    } catch (e) {
      if (e instanceof CallError) return err(e.code, e.message);
      this.log({ level: 'error', msg: `call ${call} failed`, error: String(e) });
      return err('internal', `${call} failed inside the console; its log has the details.`);
    }
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.events.on(event, listener);
  }

  async close(): Promise<void> {
    await this.switching?.catch(() => undefined);
    this.unwire();
    await this.current?.close();
  }

  /** Which sealing kinds this host offers: the keyring only where the host says it protects the key. */
  sealing(): SealingKind[] {
    return this.profiles?.keyring ? ['keyring', 'passphrase'] : ['passphrase'];
  }

  async startState(): Promise<StartState> {
    const sealing = this.sealing();
    const current = this.current;
    if (current) {
      return {
        kind: 'open',
        profile: await this.describe({ name: current.name, file: current.profileFile }),
        sealing,
        passphraseHeld: this.passphraseFor(current.name) !== undefined,
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
   * At start, with no session yet: opens the profile named (--profile), else the one opened last, else
   * the only one, when that needs no question (keyring-sealed with the keyring here, or a passphrase given
   * for automation). Anything else leaves the console locked, at the unlock screen.
   */
  async openAtStart(prefer?: string): Promise<void> {
    if (this.current || !this.profiles) return;
    this.preferred = prefer;
    const entries = await this.profiles.registry.list();
    const name = await this.lastName(entries);
    const entry = entries.find((e) => e.name === name);
    if (!entry) return;
    const kind = await this.sealedWith(entry);
    if (kind === undefined) return;
    if (kind === 'keyring' && !this.profiles.keyring) return;
    if (kind === 'passphrase' && this.passphraseFor(entry.name) === undefined) return;
    try {
      await this.adopt(entry, await this.profiles.open(entry, this.sealersFor(entry.name)));
    } catch (e) {
      this.log({
        level: 'warn',
        msg: `profile ${entry.name} could not be opened at start`,
        error: String(e),
      });
      // A passphrase given for automation that does not fit is for the admin to type instead.
      if (kind === 'keyring') this.startProblems.set(entry.name, errorText(e));
    }
  }

  private requireSession(): ProfileSession {
    if (!this.current) throw new CallError('unavailable', NO_PROFILE_OPEN);
    return this.current;
  }

  private passphraseFor(name: string): string | undefined {
    return this.passphrases.get(name) ?? this.profiles?.startPassphrase;
  }

  /** The keyring when the host has one, and the passphrase typed (or held) for this profile. */
  private sealersFor(name: string, passphrase?: string): KeySealer[] {
    const list: KeySealer[] = [];
    if (this.profiles?.keyring) list.push(this.profiles.keyring);
    const p = passphrase ?? this.passphraseFor(name);
    if (p !== undefined && p.length > 0) list.push(passphraseSealer(p));
    return list;
  }

  private async sealedWith(entry: ProfileEntry): Promise<SealingKind | undefined> {
    try {
      return await sealingOf(await loadConsoleProfile(entry.file));
    } catch {
      return undefined;
    }
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
      this.startProblems.get(entry.name) ??
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

  private async describe(entry: ProfileEntry): Promise<ProfileSummary> {
    return this.decorate(await describeProfile(entry, this.current?.profileFile ?? ''));
  }

  /** Marks the passphrase-sealed profiles this console holds no passphrase for. */
  private decorate(summary: ProfileSummary): ProfileSummary {
    const needs =
      summary.sealedWith === 'passphrase' &&
      !summary.active &&
      this.passphraseFor(summary.name) === undefined;
    return needs ? { ...summary, needsPassphrase: true } : summary;
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
    const profiles = this.profiles;
    if (!profiles) throw new CallError('unavailable', 'This console has no profiles to open.');
    const kind = await this.sealedWith(entry);
    if (kind === 'passphrase' && passphrase === undefined && this.passphraseFor(entry.name) === undefined) {
      throw new CallError(
        'forbidden',
        `Profile "${entry.name}" is sealed with a passphrase this console does not hold: type it to open the profile.`,
      );
    }
    if (passphrase !== undefined) {
      const wait = this.throttle.waitMs();
      if (wait > 0) throw new CallError('unavailable', waitMessage(wait));
    }
    try {
      return await profiles.open(entry, this.sealersFor(entry.name, passphrase));
    } catch (e) {
      if (passphrase !== undefined && kind === 'passphrase' && isWrongSecret(e)) {
        this.throttle.failed();
        const wait = this.throttle.waitMs();
        this.log({ level: 'warn', msg: `wrong passphrase for profile ${entry.name}` });
        // The unlock screen shows the wait from this event, before the answer arrives.
        if (!this.current) await this.emitStartState();
        throw new CallError(
          'forbidden',
          `Wrong passphrase for "${entry.name}": type it again.${wait > 0 ? ` ${waitMessage(wait)}` : ''}`,
        );
      }
      this.log({ level: 'warn', msg: `profile ${entry.name} could not be opened`, error: String(e) });
      // Another console has it: its own message says what to do.
      if (e instanceof Error && e.name === 'ProfileLockedError')
        throw new CallError('unavailable', e.message);
      throw new CallError('unavailable', `Profile "${entry.name}" could not be opened: ${errorText(e)}.`);
    }
  }

  /** The first session of this run (unlock, first import, start): wired, remembered, announced. */
  private async adopt(entry: ProfileEntry, next: ProfileSession, passphrase?: string): Promise<void> {
    if (passphrase !== undefined) this.passphrases.set(entry.name, passphrase);
    this.current = next;
    this.wire();
    this.throttle.succeeded();
    this.startProblems.delete(entry.name);
    await this.remember(entry.name);
    this.log({ level: 'info', msg: `opened profile ${entry.name}` });
    await this.emitStartState();
    this.events.emit('profileChanged', await this.describe(entry));
    this.events.emit('connectionChanged', next.core.connectionStatus());
  }

  private async remember(name: string): Promise<void> {
    if (!this.profiles) return;
    await writeLastProfile(this.profiles.registry.dir, name).catch((e: unknown) =>
      this.log({ level: 'warn', msg: 'could not remember the last profile', error: String(e) }),
    );
  }

  private async emitStartState(): Promise<void> {
    try {
      this.events.emit('startStateChanged', await this.startState());
    } catch (e) {
      this.log({ level: 'error', msg: 'start state could not be read', error: String(e) });
    }
  }

  private unlock({ name, passphrase }: UnlockRequest): Promise<ProfileSummary> {
    if (this.current) {
      return Promise.reject(
        new CallError(
          'bad-request',
          `"${this.current.name}" is open already: switch profiles from the connection bar instead.`,
        ),
      );
    }
    return this.claim(async () => {
      const entry = await this.profiles?.registry.find(name);
      if (!entry) throw new CallError('not-found', `No profile named "${name}": import it first.`);
      const session = await this.tryOpen(entry, passphrase);
      await this.adopt(entry, session, passphrase);
      return this.describe(entry);
    });
  }

  private sealerForImport(sealing: Sealing | undefined): { sealer: KeySealer; passphrase?: string } {
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
    const held = this.current ? this.passphraseFor(this.current.name) : this.profiles?.startPassphrase;
    if (held === undefined) {
      throw new CallError(
        'bad-request',
        'Choose how the keys of this profile are sealed: set a passphrase (typed twice).',
      );
    }
    return { sealer: passphraseSealer(held), passphrase: held };
  }

  /** After an import: with no profile open the new one is opened; its passphrase is held either way. */
  private async imported(entry: ProfileEntry, passphrase: string | undefined): Promise<void> {
    if (this.current || this.switching) {
      if (passphrase !== undefined) this.passphrases.set(entry.name, passphrase);
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
  private switchTo(name: string, passphrase: string | undefined): Promise<ProfileEntry> {
    const switching = this.profiles;
    if (!switching)
      return Promise.reject(new CallError('unavailable', 'This console has no profiles to switch to.'));
    const previous = this.current;
    if (!previous)
      return this.unlock({ name, ...(passphrase ? { passphrase } : {}) }).then(() => ({
        name,
        file: this.session.profileFile,
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
      if (passphrase !== undefined) this.passphrases.set(entry.name, passphrase);
      this.throttle.succeeded();
      this.unwire();
      this.current = next;
      this.wire();
      const record = (subject: string, detail: Record<string, string>) => ({
        at: this.now(),
        actor: this.actor,
        action: 'profile-switch',
        subject,
        detail,
      });
      previous.push.store.audit(record(entry.name, { from: previous.name, to: entry.name }));
      next.push.store.audit(record(entry.name, { from: previous.name, to: entry.name }));
      await previous
        .close()
        .catch((e: unknown) =>
          this.log({ level: 'error', msg: `closing profile ${previous.name} failed`, error: String(e) }),
        );
      await this.remember(entry.name);
      this.log({ level: 'info', msg: `switched profile ${previous.name} -> ${entry.name}` });
      this.events.emit('profileChanged', await this.describe(entry));
      this.events.emit('connectionChanged', next.core.connectionStatus());
      await this.emitStartState();
      return entry;
    });
  }

  private wire(): void {
    const current = this.current;
    if (!current) return;
    const core = current.core;
    const offs = [
      core.subscribe('fleetPatch', (p) => this.events.emit('fleetPatch', p)),
      core.subscribe('connectionChanged', (c) => this.events.emit('connectionChanged', c)),
      current.push.engine.onProgress((p) => this.events.emit('pushProgress', toProgressEvent(p, this.now()))),
    ];
    this.unwire = () => offs.forEach((off) => off());
  }
}
