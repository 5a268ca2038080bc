import {
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type EventPayloads,
  type SmtBackend,
} from '../../../src-shared/ipc/contract';
import { eventNames } from '../../../src-shared/ipc/names';
import type { SealingKind, StartState } from '../../../src-shared/ipc/profile-views';
import type { IpcResult } from '../../../src-shared/ipc/result';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import { silentLog, type LogSink } from '../../../src-node/log';
import { osUser } from '../../../src-node/os-user';
import { auditHandlers } from './audit-handlers';
import { brokerHandlers } from './broker-handlers';
import { deliveryHandlers } from './delivery-handlers';
import { draftHandlers } from './draft-handlers';
import { fleetHandlers } from './fleet-handlers';
import type { Handlers } from './handlers';
import { HeldKeys } from './held-keys';
import { OpenProfile } from './open-profile';
import { profileHandlers, type ProfileSwitching } from './profile-handlers';
import type { ProfileSession } from './profile-session';
import { pushHandlers } from './push-handlers';
import { remoteHandlers } from './remote-handlers';
import { servedHandlers } from './served-handlers';
import { inventoryHandlers } from './inventory-handlers';
import { alertHandlers } from './alert-handlers';
import { dnsHandlers } from './dns-handlers';
import { leaseHandlers } from './lease-handlers';
import { poolHandlers } from './pool-handlers';
import { haHandlers } from './ha-handlers';
import { reconcileHandlers } from './reconcile-handlers';
import { reservationHandlers } from './reservation-handlers';
import { dispatchCall } from './service-dispatch';
import { StartScreen } from './start-state';
import { trendHandlers } from './trend-handlers';

export { NO_PROFILE_OPEN } from './open-profile';

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
 * The open session and its changes are OpenProfile's, the start screen's state StartScreen's, the keys
 * held HeldKeys'; this class wires them to the handlers.
 */
export class ConsoleService implements SmtBackend {
  private readonly log: LogSink;
  private readonly handlers: Handlers;
  private readonly events = new TypedEmitter<EventPayloads>({
    names: eventNames,
    onError: (event, e) => this.log({ level: 'error', msg: `${event} listener failed`, error: String(e) }),
  });
  private readonly keys: HeldKeys;
  private readonly open: OpenProfile;

  constructor(current: ProfileSession | undefined, opts: ConsoleServiceOptions = {}) {
    this.log = opts.log ?? silentLog;
    const now = opts.now ?? Date.now;
    const actor = opts.actor ?? osUser();
    this.keys = new HeldKeys(opts.profiles);
    this.open = new OpenProfile(current, {
      profiles: opts.profiles,
      keys: this.keys,
      start: new StartScreen(opts.profiles, this.keys, now),
      events: this.events,
      log: this.log,
      now,
      actor,
    });
    const session = () => this.open.require();
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
      ...inventoryHandlers(session),
      ...alertHandlers(session, { actor }),
      ...dnsHandlers(session, { queryTimeoutMs: opts.queryTimeoutMs ?? 8_000 }),
      ...leaseHandlers(session, { queryTimeoutMs: opts.queryTimeoutMs ?? 8_000, log: this.log }),
      ...poolHandlers(session),
      ...haHandlers(session),
      // TODO(integrator): (s) => s.inventory once the served inventory's read side is on the session.
      ...reconcileHandlers(session, (s) => s.inventory, {
        actor,
        now,
        queryTimeoutMs: opts.queryTimeoutMs ?? 8_000,
      }),
      ...reservationHandlers(session, (s) => s.inventory),
      ...draftHandlers(session, {
        actor,
        now,
        checkTimeoutMs: opts.queryTimeoutMs ?? 8_000,
      }),
      ...pushHandlers(session, { actor, now }),
      ...profileHandlers(() => this.open.current, {
        switching: opts.profiles,
        actor,
        now,
        switchTo: (name, passphrase) => this.open.switchTo(name, passphrase),
        sealerForImport: (sealing) => this.keys.forImport(sealing, this.open.current?.name),
        imported: (entry, passphrase) => this.open.imported(entry, passphrase),
        decorate: (summary) => this.keys.decorate(summary),
      }),
      getStartState: () => this.startState(),
      unlockProfile: (request) => this.open.unlock(request),
    };
  }

  /** The open profile's session; throws when none is open (tests and hosts that started one). */
  get session(): ProfileSession {
    return this.open.require();
  }

  handle<C extends CallName>(call: C, args: CallArgs<C>): Promise<IpcResult<CallResult<C>>> {
    return dispatchCall(this.handlers, call, args, this.log);
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.events.on(event, listener);
  }

  close(): Promise<void> {
    return this.open.close();
  }

  /** Which sealing kinds this host offers: the keyring only where the host says it protects the key. */
  sealing(): SealingKind[] {
    return this.keys.kinds();
  }

  startState(): Promise<StartState> {
    return this.open.startState();
  }

  /**
   * At start, with no session yet: opens the profile named (--profile), else the one opened last, else
   * the only one, when that needs no question (keyring-sealed with the keyring here, or a passphrase given
   * for automation). Anything else leaves the console locked, at the unlock screen.
   */
  openAtStart(prefer?: string): Promise<void> {
    return this.open.openAtStart(prefer);
  }
}
