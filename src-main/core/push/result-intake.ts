import type { Envelope } from '../../../src-shared/protocol';
import { resultEvent, type DeliveryEvent } from '../../../src-shared/push/delivery';
import type { LogSink } from '../../../src-node/log';
import type { PushStore } from '../store/push-store';

/** One delivery event to store, for one (push, remote). */
export interface DeliveryStep {
  pushId: string;
  remoteId: string;
  event: DeliveryEvent;
}

/**
 * Remotes' results as delivery events: a result about no delivery of ours (another console's, or one
 * retried since) is dropped, one from a remote about another's delivery is refused, one that lacks what
 * its state must carry is logged and dropped.
 */
export class ResultIntake {
  private readonly foreignSenders = new Set<string>();

  constructor(
    private readonly store: PushStore,
    private readonly log: LogSink,
  ) {}

  stepsOf(envs: readonly Envelope<'result'>[], at: number): DeliveryStep[] {
    return envs.flatMap((env) => {
      const found = this.store.findBySmtId(env.body.ref);
      if (!found) return [];
      if (found.remoteId !== env.from) {
        this.foreignResult(env, found.remoteId);
        return [];
      }
      const ev = resultEvent(env.body, at);
      if (!ev.ok) {
        this.log({ level: 'warn', msg: `result from ${env.from} not taken`, error: ev.error });
        return [];
      }
      return [{ pushId: found.pushId, remoteId: found.remoteId, event: ev.event }];
    });
  }

  /**
   * `from` is the broker-stamped sender (the inbound guard saw to it): one remote cannot settle another's
   * delivery. Logged once per sender; a compromised remote would repeat it.
   */
  private foreignResult(env: Envelope<'result'>, owner: string): void {
    if (this.foreignSenders.has(env.from)) return;
    this.foreignSenders.add(env.from);
    this.log({
      level: 'warn',
      msg: `result from ${env.from} about the delivery to ${owner} refused; further ones are ignored quietly`,
      remote: env.from,
      ref: env.body.ref,
    });
  }
}
