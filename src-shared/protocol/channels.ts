import type { ChannelType, Envelope } from './envelope';

/**
 * How each channel travels (design.md §4): what the broker must persist, how long a message may wait,
 * and whether the receiver acknowledges it individually after acting on it.
 */
export interface ChannelPolicy {
  persistent: boolean;
  /** Time to live; undefined means the message waits for its receiver however long it takes. */
  ttlMs?: number;
  ack: 'auto' | 'client-individual';
}

export const channelPolicies: Record<ChannelType, ChannelPolicy> = {
  config: { persistent: true, ack: 'client-individual' },
  command: { persistent: true, ttlMs: 10 * 60_000, ack: 'client-individual' },
  query: { persistent: false, ttlMs: 30_000, ack: 'client-individual' },
  broadcast: { persistent: true, ack: 'client-individual' },
  result: { persistent: true, ack: 'client-individual' },
  reply: { persistent: false, ttlMs: 60_000, ack: 'auto' },
  hello: { persistent: true, ack: 'client-individual' },
  stats: { persistent: false, ttlMs: 60_000, ack: 'auto' },
  presence: { persistent: false, ttlMs: 60_000, ack: 'auto' },
  usage: { persistent: false, ttlMs: 60_000, ack: 'auto' },
  event: { persistent: true, ack: 'client-individual' },
  log: { persistent: false, ttlMs: 60_000, ack: 'auto' },
};

/**
 * STOMP headers for an envelope on its channel. `expires` is absolute epoch ms (lab-facts). A config
 * message also carries its id as `correlation-id` (JMSCorrelationID): a broker selector can name that, not
 * the hyphenated `smt-id`, and the console withdraws a config still waiting in a queue by it. The id is a
 * UUID (MessageId), so it can be quoted in a selector as it is.
 */
export function stompHeadersFor(env: Envelope, replyTo?: string): Record<string, string> {
  const policy = channelPolicies[env.type];
  return {
    'content-type': 'application/json',
    persistent: String(policy.persistent),
    'smt-type': env.type,
    'smt-id': env.id,
    ...(env.type === 'config' ? { 'correlation-id': env.id } : {}),
    ...(policy.ttlMs !== undefined ? { expires: String(env.ts + policy.ttlMs) } : {}),
    ...(replyTo ? { 'reply-to': replyTo } : {}),
  };
}
