import { mapBounded } from '../../../src-shared/util/map-bounded';
import type { LogSink } from '../../../src-node/log';
import type { PushStore } from '../store/push-store';
import type { PushPort } from './port';
import type { SendWindow } from './send-window';

/** What cancel and expiry did to the deliveries they found queued or sent. */
export interface WithdrawOutcome {
  /** Now cancelled (or expired): withdrawn from the broker, or never receipted by it. */
  ended: number;
  /** Sent, and not in the broker's queue any more: the remote has it and will apply it (its report wins). */
  withRemote: number;
  /** Sent, but the console had no broker session to withdraw them: they stay sent. */
  unreachable: number;
}

export interface CancelOutcome {
  cancelled: number;
  withRemote: number;
  unreachable: number;
}

export interface WithdrawContext {
  store: PushStore;
  port: PushPort;
  window: SendWindow;
  /** Withdrawals under way at once (each is a consumer on one remote's queue). */
  concurrency: number;
  now: () => number;
  log: LogSink;
}

/**
 * Cancel's and expiry's common part: no more sends for the push, the ones under way settled, then each
 * queued or sent delivery withdrawn from the broker where it can be, and ended with `type`. `endSent`: a
 * sent one the broker no longer has ends too (expiry after the broker's own expiry: it dropped it, or the
 * remote has it).
 */
export async function withdrawPush(
  ctx: WithdrawContext,
  pushId: string,
  type: 'cancel' | 'expire',
  endSent: boolean,
): Promise<WithdrawOutcome> {
  const { store, port, window, now, log } = ctx;
  await window.drain(pushId);
  const open = [...store.deliveries(pushId)].filter(([, s]) => s.kind === 'queued' || s.kind === 'sent');
  const outcome: WithdrawOutcome = { ended: 0, withRemote: 0, unreachable: 0 };
  await mapBounded(open, ctx.concurrency, async ([remoteId, s]) => {
    let found: boolean | undefined = false;
    if (window.mayBeInBroker(s)) {
      try {
        found = await port.withdraw(remoteId, s.smtId);
      } catch (e) {
        found = undefined;
        log({ level: 'debug', msg: `cannot withdraw from ${remoteId}`, smtId: s.smtId, error: String(e) });
      }
    }
    // A queued one was never receipted: if a copy reached the remote after all, its report wins.
    const end = found === true || s.kind === 'queued' || endSent;
    if (end && store.apply(pushId, remoteId, { type, at: now() })) {
      window.forget(s.smtId);
      outcome.ended++;
    } else if (found === undefined && !end) outcome.unreachable++;
    // Not found, or the remote reported while it was looked for.
    else outcome.withRemote++;
  });
  return outcome;
}
