import { stompHeadersFor, type Envelope } from '../../src-shared/protocol';
import type { SmtConnection } from './connection';

export interface PublishOptions {
  replyTo?: string;
  /** Wait for the broker's receipt (for persistent channels: the message is stored). */
  receipt?: boolean;
}

/** Sends one envelope with the STOMP headers its channel's policy prescribes. */
export function publish(
  conn: SmtConnection,
  destination: string,
  env: Envelope,
  opts: PublishOptions = {},
): Promise<void> {
  return conn.send(destination, stompHeadersFor(env, opts.replyTo), JSON.stringify(env), {
    receipt: opts.receipt ?? false,
  });
}
