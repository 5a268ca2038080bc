import type { ConnState } from '../../src-shared/connection/machine';

/** A send or ack was attempted while no STOMP session is open; the caller decides whether to queue. */
export class SmtNotConnectedError extends Error {
  constructor(readonly state: ConnState['kind']) {
    super(`not connected to a broker (connection is ${state})`);
    this.name = 'SmtNotConnectedError';
  }
}

/** The session ended before the broker confirmed a frame: it may or may not have been stored. */
export class SmtSessionLostError extends Error {
  constructor(what: string, cause: string) {
    super(`connection lost before the broker confirmed ${what}: ${cause}`);
    this.name = 'SmtSessionLostError';
  }
}

export interface OpenFailure {
  error: string;
  /** The broker refused who we are: retrying soon will not help until an operator acts. */
  auth: boolean;
}

/** STOMP ERROR messages ActiveMQ and the identity plugin send when an identity is refused. */
const refusedIdentity =
  /No user for client certificate|not authorized|not allowed to consume|SecurityException|User name \[.*\] or password is invalid/i;

/**
 * Why opening a session failed, in words for the connection bar, and whether the certificate was refused:
 * a TLS alert from the broker (bad, unknown, revoked or missing certificate) or a STOMP ERROR naming it.
 */
export function classifyOpenError(e: unknown): OpenFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return { error: `the broker refused the TLS certificate (${code})`, auth: true };
  }
  if (refusedIdentity.test(err.message)) {
    return { error: `the broker refused this identity: ${err.message}`, auth: true };
  }
  if (code && !err.message.includes(code)) return { error: `${err.message} (${code})`, auth: false };
  return { error: err.message, auth: false };
}
