import type { SelectableRemote } from '../../../src-shared/config/selector';
import type { Body } from '../../../src-shared/protocol';

/** What the engine needs from the console: the signed, receipted send, withdrawal, and the fleet. */
export interface PushPort {
  /**
   * Resolves when the broker receipted the message (persisted in the remote's queue); rejects if not.
   * `expiresAt`: the broker discards it unconsumed after this (epoch ms).
   */
  send(remoteId: string, body: Body<'config'>, smtId: string, opts?: { expiresAt?: number }): Promise<void>;
  /**
   * Takes the message with this smt-id out of the remote's queue if it still waits there: true when it
   * did, false when it is not there (the remote has it, or it never reached the broker); rejects without
   * a broker session.
   */
  withdraw(remoteId: string, smtId: string): Promise<boolean>;
  remotes(): readonly SelectableRemote[];
}
