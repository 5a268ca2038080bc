import type { ConnectionStatus } from '../../src-shared/ipc';
import { formatClock, formatDuration } from '../format';

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

export interface BrokerSummary {
  tone: Tone;
  /** "Connected", "Connecting", "Retrying", "Failed", "Not connected". */
  label: string;
  /** The broker it is on or trying, with its URL. */
  broker: { name: string; url: string } | null;
  /** "since 10:42:01 (5 min)", "attempt 3", "retry in 2 s (attempt 3)". */
  detail: string;
}

/** What the connection bar says about the console's broker connection at `now`. */
export function summarizeBroker(c: ConnectionStatus | null, now: number): BrokerSummary {
  if (!c) return { tone: 'idle', label: 'Waiting for the console', broker: null, detail: '' };
  const s = c.state;
  const broker = (i: number) => c.brokers[i] ?? null;
  switch (s.kind) {
    case 'idle':
      return {
        tone: 'idle',
        label: 'Not connected',
        broker: null,
        detail: 'the console has not started connecting',
      };
    case 'connecting':
      return { tone: 'busy', label: 'Connecting', broker: broker(s.broker), detail: `attempt ${s.attempt}` };
    case 'connected':
      return {
        tone: 'ok',
        label: 'Connected',
        broker: broker(s.broker),
        detail: `since ${formatClock(s.since)} (${formatDuration(now - s.since)})`,
      };
    case 'backoff':
      return {
        tone: 'warn',
        label: 'Retrying',
        broker: broker(s.lastBroker),
        detail: `retry in ${formatDuration(Math.max(0, s.retryAt - now) + 999)} (attempt ${s.attempt})`,
      };
    case 'failed':
      return { tone: 'bad', label: 'Failed', broker: null, detail: `gave up at ${formatClock(s.at)}` };
  }
}
