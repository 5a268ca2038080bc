import { hostPort } from '../../src-shared/broker/address';
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

/**
 * The broker closed the connection right after our side of the TLS 1.3 handshake, without the session
 * ticket it gives every certificate it accepts and without a byte of STOMP (see tlsTransport). That is how
 * stomp+nio+ssl refuses a certificate, and also what a broker going down at that instant looks like.
 */
export class CertificateRefusedError extends Error {
  readonly code = 'SMT_CERT_REFUSED';
  constructor(broker: { name: string; host: string; port: number }) {
    super(
      `the broker ${broker.name} (${hostPort(broker)}) closed the connection at the end of the TLS ` +
        'handshake, before any STOMP frame: it did not accept this certificate (issued by another CA, expired, ' +
        'not yet valid, or not for client authentication), or it was going down',
    );
    this.name = 'CertificateRefusedError';
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
export function classifyOpenError(e: unknown, notAfter?: Date, now = Date.now()): OpenFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'SMT_CERT_REFUSED') {
    // Known here, expiry is the reason and waiting will not help. Otherwise the silent close may be a
    // broker dying mid-handshake: retried at the usual pace, so a failover is not held up for 30 s.
    if (notAfter && now > notAfter.getTime()) {
      return {
        error: `the broker refused this certificate: it expired on ${notAfter.toISOString()}; renew it`,
        auth: true,
      };
    }
    return { error: err.message, auth: false };
  }
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return { error: `the broker refused the TLS certificate (${code})`, auth: true };
  }
  if (refusedIdentity.test(err.message)) {
    return { error: `the broker refused this identity: ${err.message}`, auth: true };
  }
  if (code && !err.message.includes(code)) return { error: `${err.message} (${code})`, auth: false };
  return { error: err.message, auth: false };
}
