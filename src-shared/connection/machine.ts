import { z } from 'zod';

/**
 * The SMT connection as an explicit state machine (design.md §6): a discriminated union of states, a pure
 * transition, and a thin driver elsewhere (src-node/smt/connection.ts) that owns sockets and timers.
 *
 * Brokers are tried in order, primary first, on every round: with shared-storage master/slave only
 * one of them accepts connections at a time, so "prefer the primary" means "try it first", and no
 * fail-back is needed (a primary restarted after a failover waits as the slave).
 */

export const ConnState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('connecting'), broker: z.number(), attempt: z.number(), since: z.number() }),
  z.object({ kind: z.literal('connected'), broker: z.number(), since: z.number() }),
  z.object({
    kind: z.literal('backoff'),
    attempt: z.number(),
    retryAt: z.number(),
    lastError: z.string(),
    lastBroker: z.number(),
  }),
  z.object({ kind: z.literal('failed'), lastError: z.string(), at: z.number() }),
]);
export type ConnState = z.infer<typeof ConnState>;

export type ConnEvent =
  | { type: 'start'; at: number }
  /** The broker accepted the STOMP CONNECT. */
  | { type: 'opened'; at: number }
  /** TLS, TCP or CONNECT failed; `auth` when the broker refused the certificate. */
  | { type: 'openFailed'; at: number; error: string; auth: boolean; jitter: number }
  /** An established session ended (socket closed, heart-beat missed, ERROR frame). */
  | { type: 'lost'; at: number; error: string }
  | { type: 'retryDue'; at: number }
  | { type: 'stop' };

export interface MachineConfig {
  brokerCount: number;
  /** Delay before round n+1 after round n failed, in ms; the last entry repeats. */
  backoffMs: readonly number[];
  /** Each delay is spread by ± this share so a fleet does not reconnect in lockstep. */
  jitterRatio: number;
  /** Refused certificates retry at this pace: an operator may provision the remote at any time. */
  authRetryMs: number;
  /** Rounds before giving up; Infinity for daemons, small for one-shot commands. */
  maxAttempts: number;
}

export const defaultMachineConfig = (brokerCount: number): MachineConfig => ({
  brokerCount,
  // About once a second for the first ten seconds: a slave's promotion takes ~3 s, and a fleet that had
  // already backed off to 3 s found the new master up to 3.75 s late (docs/performance.md). A refused
  // connect costs the broker host nothing; past that, 3 s.
  backoffMs: [100, 250, 500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 3000],
  jitterRatio: 0.25,
  authRetryMs: 30_000,
  maxAttempts: Infinity,
});

export function backoffDelay(cfg: MachineConfig, attempt: number, jitter: number): number {
  const base = cfg.backoffMs[Math.min(attempt - 1, cfg.backoffMs.length - 1)] ?? 1000;
  const spread = base * cfg.jitterRatio * (2 * Math.min(Math.max(jitter, 0), 1) - 1);
  return Math.round(base + spread);
}

/** While connecting: the round moves to the next broker, backs off, or gives up. */
function fromConnecting(
  cfg: MachineConfig,
  s: Extract<ConnState, { kind: 'connecting' }>,
  e: Exclude<ConnEvent, { type: 'stop' }>,
): ConnState {
  switch (e.type) {
    case 'opened':
      return { kind: 'connected', broker: s.broker, since: e.at };
    case 'openFailed':
      if (!e.auth && s.broker + 1 < cfg.brokerCount) {
        return { kind: 'connecting', broker: s.broker + 1, attempt: s.attempt, since: e.at };
      }
      if (s.attempt >= cfg.maxAttempts) return { kind: 'failed', lastError: e.error, at: e.at };
      return {
        kind: 'backoff',
        attempt: s.attempt,
        retryAt: e.at + (e.auth ? cfg.authRetryMs : backoffDelay(cfg, s.attempt, e.jitter)),
        lastError: e.error,
        lastBroker: s.broker,
      };
    case 'lost':
      // A session that dies before CONNECTED completes is a failed open on the same broker.
      return fromConnecting(cfg, s, {
        type: 'openFailed',
        at: e.at,
        error: e.error,
        auth: false,
        jitter: 0.5,
      });
    case 'start':
    case 'retryDue':
      return s;
  }
}

export function transition(cfg: MachineConfig, s: ConnState, e: ConnEvent): ConnState {
  if (e.type === 'stop') return { kind: 'idle' };
  switch (s.kind) {
    case 'idle':
    case 'failed':
      return e.type === 'start' ? { kind: 'connecting', broker: 0, attempt: 1, since: e.at } : s;
    case 'connecting':
      return fromConnecting(cfg, s, e);
    case 'connected':
      // Reconnect at once, primary first: a failover should cost one slave-promotion, not a backoff.
      return e.type === 'lost' ? { kind: 'connecting', broker: 0, attempt: 1, since: e.at } : s;
    case 'backoff':
      return e.type === 'retryDue'
        ? { kind: 'connecting', broker: 0, attempt: s.attempt + 1, since: e.at }
        : s;
  }
}
