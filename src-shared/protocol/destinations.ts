import type { RemoteId, ConsoleId } from './ids';

/** Queues a remote reads. The broker's identity plugin lets only remote <rid> consume them. */
export type RemoteQueueKind = 'config' | 'command' | 'query' | 'broadcast';

/** Topics a remote publishes under its own id; the console subscribes to all of them by wildcard. */
export type RemoteTopicKind = 'stats' | 'presence' | 'usage' | 'log';
export const remoteTopicKinds: readonly RemoteTopicKind[] = ['stats', 'presence', 'usage', 'log'];

/**
 * The persistent fleet channels every console reads in full (hello, event). Remotes send to an ActiveMQ
 * virtual topic; the broker copies each message into one queue per console id, `Consumer.<cid>.…`, which
 * the identity plugin creates for every provisioned console, so a console that is closed finds what it
 * missed when it opens (docs/broker.md "Virtual topics").
 */
export type FleetChannel = 'inventory' | 'events';

/**
 * A console session's name on its reply queues: made when a console core starts and kept across its
 * reconnects, so that a reply in flight during a failover still reaches it. Lowercase letters and digits
 * only: it is a segment of a destination name, where dots and wildcards would change what it names.
 */
export const replySessionPattern = /^[a-z0-9]{12}$/;

/** A fresh reply session name (replySessionPattern): 12 base-36 characters, about 62 bits. */
export function newReplySession(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // 252 is the largest multiple of 36 under 256: bytes above it are drawn again, so every character is as likely.
  let session = '';
  while (session.length < 12) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < 252 && session.length < 12) session += alphabet[b % 36];
    }
  }
  return session;
}

const id = '[a-z0-9][a-z0-9-]{0,62}';

/**
 * The only reply-to a remote answers a query on: one console session's reply queue. A remote is no
 * relay; `lab-console.reply`, another console's result queue or a topic are refused.
 */
export const consoleReplyQueuePattern = new RegExp(
  `^/queue/smt\\.console\\.${id}\\.reply\\.${replySessionPattern.source.slice(1, -1)}$`,
);

export const destinations = {
  remoteQueue: (rid: RemoteId, kind: RemoteQueueKind) => `/queue/smt.remote.${rid}.${kind}`,
  consoleResult: (cid: ConsoleId) => `/queue/smt.console.${cid}.result`,
  /** Query replies to one console session (broker-gc'd once abandoned; docs/broker.md). */
  consoleReply: (cid: ConsoleId, session: string) => `/queue/smt.console.${cid}.reply.${session}`,
  /** The statistics plugin's replies to one console session (broker-stats.ts). */
  consoleStats: (cid: ConsoleId, session: string) => `/queue/smt.console.${cid}.stats.${session}`,
  /** Where remotes send their hellos (a virtual topic). */
  inventory: () => '/topic/VirtualTopic.smt.inventory',
  /** Where remotes send their events (a virtual topic). */
  events: () => '/topic/VirtualTopic.smt.events',
  /** The copy of a fleet channel kept for one console id, shared by every process of that console. */
  consoleFleet: (cid: ConsoleId, channel: FleetChannel) =>
    `/queue/Consumer.${cid}.VirtualTopic.smt.${channel}`,
  remoteTopic: (rid: RemoteId, kind: RemoteTopicKind) => `/topic/smt.${kind}.${rid}`,
  /** STOMP wildcard over every remote's topic of one kind (console side only). */
  allRemotesTopic: (kind: RemoteTopicKind) => `/topic/smt.${kind}.>`,
  /** The brokers' own heap and file-descriptor reports (their SMT plugin), for consoles. */
  brokerHealth: () => '/topic/smt.broker.health',
} as const;

const remoteTopicPattern = /^\/topic\/smt\.(stats|presence|usage|log)\.([a-z0-9][a-z0-9-]{0,62})$/;
const remoteQueuePattern =
  /^\/queue\/smt\.remote\.([a-z0-9][a-z0-9-]{0,62})\.(config|command|query|broadcast)$/;

/** The remote id a destination belongs to, or undefined when it is not a per-remote destination. */
export function remoteIdOfDestination(destination: string): RemoteId | undefined {
  return remoteTopicPattern.exec(destination)?.[2] ?? remoteQueuePattern.exec(destination)?.[1];
}
