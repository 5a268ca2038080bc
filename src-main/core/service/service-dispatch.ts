import { z } from 'zod';
import {
  calls,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventPayloads,
} from '../../../src-shared/ipc/contract';
import { err, ok, type IpcResult } from '../../../src-shared/ipc/result';
import type { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import type { LogSink } from '../../../src-node/log';
import { toProgressEvent } from '../push/push-views';
import { CallError, type Handler, type Handlers } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * Answers one call of the contract: its arguments validated against the contract, then its handler run.
 * A CallError crosses as its code and message; anything else is logged and answers `internal`.
 */
export async function dispatchCall<C extends CallName>(
  handlers: Handlers,
  call: C,
  args: CallArgs<C>,
  log: LogSink,
): Promise<IpcResult<CallResult<C>>> {
  const spec = (calls as Record<string, (typeof calls)[CallName] | undefined>)[call];
  const handler = (handlers as Record<string, Handler<C> | undefined>)[call];
  if (!spec || !handler) return err('bad-request', `unknown call "${String(call)}"`);
  const parsed = (spec.args as z.ZodType).safeParse(args);
  if (!parsed.success)
    return err('bad-request', `bad arguments for ${call}: ${z.prettifyError(parsed.error)}`);
  try {
    return ok(await handler(...(parsed.data as CallArgs<C>)));
  } catch (e) {
    if (e instanceof CallError) return err(e.code, e.message);
    log({ level: 'error', msg: `call ${call} failed`, error: String(e) });
    return err('internal', `${call} failed inside the console; its log has the details.`);
  }
}

/** Forwards a session's core and push events as the contract's; returns the function that stops it. */
export function forwardSessionEvents(
  session: ProfileSession,
  events: TypedEmitter<EventPayloads>,
  now: () => number,
): () => void {
  const core = session.core;
  const offs = [
    core.subscribe('fleetPatch', (p) => events.emit('fleetPatch', p)),
    core.subscribe('connectionChanged', (c) => events.emit('connectionChanged', c)),
    session.push.engine.onProgress((p) => events.emit('pushProgress', toProgressEvent(p, now()))),
    session.inventory.onChanged((e) => events.emit('objectsChanged', e)),
    session.alerts.onChanged((e) => events.emit('alertsChanged', e)),
    session.alerts.onNotice((n) => events.emit('alertNotice', n)),
  ];
  return () => offs.forEach((off) => off());
}
