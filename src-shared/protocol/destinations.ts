import type { RemoteId, ConsoleId } from './ids';

/** Queues a remote reads. The broker's identity plugin lets only remote <rid> consume them. */
export type RemoteQueueKind = 'config' | 'command' | 'query' | 'broadcast';
export const remoteQueueKinds: readonly RemoteQueueKind[] = ['config', 'command', 'query', 'broadcast'];

/** Topics a remote publishes under its own id; the console subscribes to all of them by wildcard. */
export type RemoteTopicKind = 'stats' | 'presence' | 'usage' | 'log';
export const remoteTopicKinds: readonly RemoteTopicKind[] = ['stats', 'presence', 'usage', 'log'];

export const destinations = {
  remoteQueue: (rid: RemoteId, kind: RemoteQueueKind) => `/queue/smt.remote.${rid}.${kind}`,
  consoleResult: (cid: ConsoleId) => `/queue/smt.console.${cid}.result`,
  consoleReply: (cid: ConsoleId) => `/queue/smt.console.${cid}.reply`,
  inventory: () => '/queue/smt.inventory',
  events: () => '/queue/smt.events',
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
