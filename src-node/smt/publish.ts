import { stompHeadersFor, type Envelope } from '../../src-shared/protocol';
import type { SmtConnection } from './connection';

export interface PublishOptions {
  replyTo?: string;
  /** Wait for the broker's receipt (for persistent channels: the message is stored). */
  receipt?: boolean;
  /** With `receipt`: share one transaction with the other grouped sends of this turn (SendOptions). */
  grouped?: boolean;
  /** Absolute epoch ms after which the broker discards the message unconsumed; overrides the channel's TTL. */
  expiresAt?: number;
}

/** Sends one envelope with the STOMP headers its channel's policy prescribes. */
export function publish(
  conn: SmtConnection,
  destination: string,
  env: Envelope,
  opts: PublishOptions = {},
): Promise<void> {
  const headers = stompHeadersFor(env, opts.replyTo);
  if (opts.expiresAt !== undefined) headers.expires = String(opts.expiresAt);
  return conn.send(destination, headers, JSON.stringify(env), {
    receipt: opts.receipt ?? false,
    grouped: opts.grouped ?? false,
  });
}
