import { z } from 'zod';
import {
  callNames,
  calls,
  err,
  type CallArgs,
  type CallName,
  type IpcResult,
  type SmtBackend,
} from '../../src-shared/ipc';
import { errorText } from '../../src-shared/util/error-text';

/** Why a call from a renderer was refused before reaching the core; hosts count these by reason. */
export type CallRejection = 'unknown-call' | 'bad-args';

export interface DispatchOutcome {
  result: IpcResult<unknown>;
  rejected?: CallRejection;
  /** Set when the core threw: the renderer gets a generic error, the host's log gets this. */
  failure?: string;
}

export const isCallName = (name: string): name is CallName => Object.hasOwn(calls, name);

/**
 * The one gate between a renderer (bridge frame or Electron IPC message) and the core: the call must be in
 * the contract and its arguments must parse with the contract's schema, or the core never sees it.
 */
export async function dispatchCall(
  backend: SmtBackend,
  call: string,
  args: unknown,
): Promise<DispatchOutcome> {
  if (!isCallName(call)) {
    return {
      rejected: 'unknown-call',
      result: err('not-found', `No call named "${call}": the console offers ${callNames.join(', ')}.`),
    };
  }
  const parsed = calls[call].args.safeParse(args);
  if (!parsed.success) {
    return {
      rejected: 'bad-args',
      result: err(
        'bad-request',
        `Arguments of ${call} do not match the contract: ${z.prettifyError(parsed.error)}`,
      ),
    };
  }
  try {
    // The schema of this very call accepted the value, which is what CallArgs<call> describes.
    return { result: await backend.handle(call, parsed.data as CallArgs<typeof call>) };
  } catch (e) {
    const failure = errorText(e);
    return {
      failure,
      result: err('internal', `${call} failed inside the console; its log has the details.`),
    };
  }
}
