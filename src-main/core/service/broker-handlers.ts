import {
  STUCK_AFTER_MS,
  type BrokerPathView,
  type QueueDepth,
  type RemoteQueues,
} from '../../../src-shared/ipc/broker-views';
import type { LogSink } from '../../../src-node/log';
import { brokerUrl } from '../../../src-shared/broker/address';
import { mapBounded } from '../../../src-shared/util/map-bounded';
import { oldestMessageAt, probeBroker, queueStats, type QueueStat } from '../broker-stats';
import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export interface BrokerHandlerOptions {
  now: () => number;
  log: LogSink;
  /** How long the statistics plugin may take to answer for every queue. */
  statsTimeoutMs?: number;
  /** Answers within this long of the last are served from it: several windows do not multiply requests. */
  reuseMs?: number;
}

/** Queues browsed for their oldest message per refresh, the fullest first; the rest show no age. */
const MAX_BROWSED = 200;
const BROWSE_CONCURRENCY = 8;
const BROWSE_TIMEOUT_MS = 2_000;
const PROBE_TIMEOUT_MS = 1_500;

export const brokerHandlers = (
  session: () => ProfileSession,
  { now, log, statsTimeoutMs = 5_000, reuseMs = 2_000 }: BrokerHandlerOptions,
): HandlersOf<'getBrokerPath'> => {
  let last: { core: unknown; view: BrokerPathView } | undefined;
  let inFlight: { core: unknown; view: Promise<BrokerPathView> } | undefined;

  const build = async (): Promise<BrokerPathView> => {
    const core = session().core;
    const status = core.connectionStatus();
    const state = status.state;
    const conn = core.connection;
    const activeIndex = state.kind === 'connected' ? state.broker : -1;
    const brokers = await Promise.all(
      core.brokers.map(async (b, i) => {
        const error = i === activeIndex ? null : await probeBroker(b.host, b.port, PROBE_TIMEOUT_MS);
        return {
          name: b.name,
          url: brokerUrl(b),
          active: i === activeIndex,
          reachable: error === null,
          ...(error === null ? {} : { error }),
        };
      }),
    );
    const activeBroker = core.brokers[activeIndex];
    let remotes: RemoteQueues[] = [];
    let statsProblem: string | null = null;
    if (!conn || state.kind !== 'connected') {
      statsProblem = `The console has no broker session (${state.kind}): queue figures come back once it connects.`;
    } else {
      const stats = await queueStats(conn, core.statsReplyQueue, statsTimeoutMs);
      if (stats.bad > 0)
        log({ level: 'warn', msg: `broker path: ${stats.bad} statistics replies were not readable` });
      if (!stats.complete) {
        statsProblem = `The broker's statistics plugin did not finish answering within ${statsTimeoutMs / 1000} s: some queues may be missing. Refresh to ask again.`;
      }
      const waiting = stats.queues.filter((q) => q.size > 0).sort((a, b) => b.size - a.size);
      const oldest = new Map<QueueStat, number | null>();
      await mapBounded(waiting.slice(0, MAX_BROWSED), BROWSE_CONCURRENCY, async (q) => {
        oldest.set(
          q,
          await oldestMessageAt(conn, `/queue/smt.remote.${q.remoteId}.${q.kind}`, BROWSE_TIMEOUT_MS),
        );
      });
      remotes = byRemote(stats.queues, oldest, now());
    }
    return {
      at: now(),
      active:
        activeBroker && state.kind === 'connected'
          ? { name: activeBroker.name, url: brokerUrl(activeBroker), since: state.since }
          : null,
      connection: state.kind,
      lastFailoverAt: status.lastFailoverAt,
      brokers,
      remotes,
      statsProblem,
      health: core.brokerHealth.current(),
    };
  };

  return {
    getBrokerPath: async () => {
      const core = session().core;
      if (last && last.core === core && now() - last.view.at < reuseMs) return last.view;
      if (!inFlight || inFlight.core !== core) {
        const view = build().finally(() => {
          inFlight = undefined;
        });
        inFlight = { core, view };
      }
      const view = await inFlight.view;
      last = { core, view };
      return view;
    },
  };
};

/** Per remote, those with messages waiting (the oldest first) before the rest (by id). */
export function byRemote(
  queues: readonly QueueStat[],
  oldest: ReadonlyMap<QueueStat, number | null>,
  at: number,
): RemoteQueues[] {
  const rows = new Map<string, RemoteQueues>();
  for (const q of queues) {
    const row = rows.get(q.remoteId) ?? { remoteId: q.remoteId, config: null, command: null, stuck: false };
    const depth: QueueDepth = { size: q.size, consumers: q.consumers, oldestAt: oldest.get(q) ?? null };
    row[q.kind] = depth;
    if (q.size > 0 && q.consumers === 0 && depth.oldestAt !== null && at - depth.oldestAt > STUCK_AFTER_MS) {
      row.stuck = true;
    }
    rows.set(q.remoteId, row);
  }
  const oldestOf = (r: RemoteQueues) =>
    Math.min(r.config?.oldestAt ?? Infinity, r.command?.oldestAt ?? Infinity);
  const waiting = (r: RemoteQueues) => (r.config?.size ?? 0) + (r.command?.size ?? 0) > 0;
  return [...rows.values()].sort(
    (a, b) =>
      Number(waiting(b)) - Number(waiting(a)) ||
      oldestOf(a) - oldestOf(b) ||
      a.remoteId.localeCompare(b.remoteId),
  );
}
