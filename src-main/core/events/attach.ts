import { silentLog, type LogSink } from '../../../src-node/log';
import type { ConsoleCore } from '../console-core';
import type { Db } from '../store/database';
import { EventStore } from '../store/event-store';

/** How long remotes' events are kept. */
export const EVENT_RETENTION_MS = 30 * 24 * 3600_000;

export interface AttachedEvents {
  store: EventStore;
  close(): void;
}

/**
 * Keeps every event a remote reports in the profile's database. It is stored before the core
 * acknowledges the message, so a console that dies right after loses none.
 */
export function attachEvents(
  core: ConsoleCore,
  db: Db,
  opts: { log?: LogSink; now?: () => number; pruneIntervalMs?: number } = {},
): AttachedEvents {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? Date.now;
  const store = new EventStore(db);
  const off = core.onFleetMessage((env) => {
    if (env.type !== 'event') return;
    try {
      store.add(env, now());
    } catch (e) {
      log({ level: 'warn', msg: `event from ${env.from} not stored`, code: env.body.code, error: String(e) });
    }
  });
  const prune = () => {
    try {
      store.pruneBefore(now() - EVENT_RETENTION_MS);
    } catch (e) {
      log({ level: 'warn', msg: 'old events not pruned', error: String(e) });
    }
  };
  prune();
  const timer = setInterval(prune, opts.pruneIntervalMs ?? 10 * 60_000);
  timer.unref();
  return {
    store,
    close: () => {
      off();
      clearInterval(timer);
    },
  };
}
