import { z } from 'zod';
import {
  calls,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type SmtBackend,
} from '../../../src-shared/ipc/contract';
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
import { describeProfile, type ProfileEntry } from '../profiles/registry';
import { profileHandlers, type ProfileSwitching } from './profile-handlers';
import type { ProfileSession } from './profile-session';
import { pushHandlers } from './push-handlers';
import { remoteHandlers } from './remote-handlers';
import { servedHandlers } from './served-handlers';
import { trendHandlers } from './trend-handlers';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

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
 */
export class ConsoleService implements SmtBackend {
  private readonly log: LogSink;
  private readonly handlers: Handlers;
  private readonly now: () => number;
  private readonly listeners: { [E in EventName]: Set<Listener<E>> } = {
    fleetPatch: new Set(),
    connectionChanged: new Set(),
    pushProgress: new Set(),
    profileChanged: new Set(),
  };
  private unwire: () => void = () => undefined;
  /**
   * A switch under way, claimed when the call arrives (before the profile is looked up, so of two quick
   * calls the first wins): a second one is refused rather than queued behind it.
   */
  private switching: Promise<ProfileEntry> | undefined;
  private readonly actor: string;

  constructor(
    private current: ProfileSession,
    opts: ConsoleServiceOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    const now = opts.now ?? Date.now;
    this.now = now;
    this.actor = opts.actor ?? osUser();
    const session = () => this.current;
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
      ...profileHandlers(session, {
        switching: opts.profiles,
        actor: this.actor,
        now,
        switchTo: (name) => this.switchTo(name, opts.profiles),
      }),
    };
    this.wire();
  }

  get session(): ProfileSession {
    return this.current;
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

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>> | undefined;
    if (!set) throw new Error(`unknown event "${String(event)}"`);
    set.add(listener);
    return () => void set.delete(listener);
  }

  async close(): Promise<void> {
    await this.switching?.catch(() => undefined);
    this.unwire();
    await this.current.close();
  }

  /**
   * Finds the profile named and opens it beside the current session, and only then swaps: a profile
   * that cannot be opened (keys that do not unseal, unreadable files) leaves the current one running and
   * says why. The old session is closed (its broker connection with it) once the new one carries the
   * events.
   */
  private switchTo(name: string, switching: ProfileSwitching | undefined): Promise<ProfileEntry> {
    if (!switching)
      return Promise.reject(new CallError('unavailable', 'This console has no profiles to switch to.'));
    if (this.switching) {
      return Promise.reject(
        new CallError('unavailable', 'Another profile switch is under way: try again once it is done.'),
      );
    }
    const run = async () => {
      const entry = await switching.registry.find(name);
      if (!entry) throw new CallError('not-found', `No profile named "${name}": import it first.`);
      const previous = this.current;
      if (entry.file === previous.profileFile) {
        throw new CallError('bad-request', `"${entry.name}" is the profile in use already.`);
      }
      let next: ProfileSession;
      try {
        next = await switching.open(entry);
      } catch (e) {
        this.log({ level: 'warn', msg: `profile ${entry.name} could not be opened`, error: String(e) });
        throw new CallError(
          'unavailable',
          `Profile "${entry.name}" could not be opened: ${e instanceof Error ? e.message : String(e)}. Still using "${previous.name}".`,
        );
      }
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
      this.log({ level: 'info', msg: `switched profile ${previous.name} -> ${entry.name}` });
      this.emit('profileChanged', await describeProfile(entry, next.profileFile));
      this.emit('connectionChanged', next.core.connectionStatus());
      return entry;
    };
    this.switching = run().finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  private wire(): void {
    const core = this.current.core;
    const offs = [
      core.subscribe('fleetPatch', (p) => this.emit('fleetPatch', p)),
      core.subscribe('connectionChanged', (c) => this.emit('connectionChanged', c)),
      this.current.push.engine.onProgress((p) => this.emit('pushProgress', toProgressEvent(p, this.now()))),
    ];
    this.unwire = () => offs.forEach((off) => off());
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners[event] as Set<Listener<E>>) {
      try {
        l(payload);
      } catch (e) {
        this.log({ level: 'error', msg: `${event} listener failed`, error: String(e) });
      }
    }
  }
}
