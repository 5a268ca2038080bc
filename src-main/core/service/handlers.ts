import type { CallArgs, CallName, CallResult } from '../../../src-shared/ipc/contract';
import type { IpcError } from '../../../src-shared/ipc/result';

/**
 * A refusal the admin should read (not found, not possible now, bad input the schema could not see):
 * it crosses the IPC boundary with its code and message. Anything else thrown is an internal error
 * whose details stay in the console's log.
 */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly code: Exclude<IpcError['code'], 'internal'>,
    message: string,
  ) {
    super(message);
  }
}

export type Handler<C extends CallName> = (...args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>>;

/** One handler per call of the contract; each domain module supplies its share. */
export type Handlers = { [C in CallName]: Handler<C> };
export type HandlersOf<C extends CallName> = { [K in C]: Handler<K> };
