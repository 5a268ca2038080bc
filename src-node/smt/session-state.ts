/**
 * One STOMP session's life as an explicit state machine: a discriminated union of states, a pure
 * transition, and the driver in session.ts that owns the stompit client and its timers. The connection's
 * own machine (src-shared/connection/machine.ts) decides which broker to try and when; this one decides
 * what a single session may do on the way: send frames once the broker answered CONNECT, run handlers
 * once the broker confirmed every subscription.
 */
export type SessionState =
  /** The byte stream is opening or CONNECT is on its way: nothing else may be sent yet. */
  | { kind: 'handshaking' }
  /** CONNECTED arrived: frames may go out; messages wait until every SUBSCRIBE is confirmed. */
  | { kind: 'subscribing'; unconfirmed: number }
  /** Every subscription confirmed: the connection is `connected` and handlers run. */
  | { kind: 'open' }
  /** Ended before it opened: what it held is dropped (the broker redelivers what nobody acked). */
  | { kind: 'failed'; cause: string }
  /**
   * Ended after it opened: a message read to its end before the session did still goes to its handler
   * (an auto-acked one would be lost otherwise; acking a client-individual one fails, so it comes again).
   */
  | { kind: 'closed'; cause: string };

export type SessionKind = SessionState['kind'];
export const sessionKinds: readonly SessionKind[] = [
  'handshaking',
  'subscribing',
  'open',
  'failed',
  'closed',
];

export type SessionEvent =
  /** The broker's CONNECTED, with the number of subscriptions the driver then sends with a receipt. */
  | { type: 'connected'; subscriptions: number }
  /** The receipt of one of those subscriptions. */
  | { type: 'subscribed' }
  /** stompit, a timer or the connection ended the session. */
  | { type: 'end'; cause: string };

/**
 * ActiveMQ 5.17's stomp+nio+ssl now and then handles a frame that arrives early in a session twice, or not
 * at all (docs/architecture.md). A second CONNECTED is the first sign of it: whatever else it repeated or
 * lost is unknown, so the session is not used.
 */
export const CONNECTED_TWICE = 'the broker answered CONNECT twice: the session is opened again';

const ended = (s: SessionState, cause: string): SessionState =>
  s.kind === 'open' ? { kind: 'closed', cause } : { kind: 'failed', cause };

/** Returns `s` itself when the event changes nothing. */
export function transition(s: SessionState, e: SessionEvent): SessionState {
  if (s.kind === 'failed' || s.kind === 'closed') return s;
  switch (e.type) {
    case 'end':
      return ended(s, e.cause);
    case 'connected':
      if (s.kind !== 'handshaking') return ended(s, CONNECTED_TWICE);
      return e.subscriptions > 0 ? { kind: 'subscribing', unconfirmed: e.subscriptions } : { kind: 'open' };
    case 'subscribed':
      // Only the subscriptions counted at CONNECTED send this; one applied later confirms nothing here.
      if (s.kind !== 'subscribing') return s;
      return s.unconfirmed > 1 ? { kind: 'subscribing', unconfirmed: s.unconfirmed - 1 } : { kind: 'open' };
  }
}

/** The broker answered CONNECT and the session has not ended: SUBSCRIBE, ACK, COMMIT may go out. */
export const sendsFrames = (s: SessionState): boolean => s.kind === 'subscribing' || s.kind === 'open';

/** What becomes of a message read to its end on a session in this state. */
export function messageFate(s: SessionState): 'deliver' | 'hold' | 'drop' {
  switch (s.kind) {
    case 'handshaking':
    case 'subscribing':
      // A queue's backlog comes before the SUBSCRIBE receipts: its handlers answer on the connection,
      // so they run once it is open.
      return 'hold';
    case 'open':
    case 'closed':
      return 'deliver';
    case 'failed':
      return 'drop';
  }
}
