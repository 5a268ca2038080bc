import { silentLog, type LogSink } from '../../../src-node/log';
import type { ConsoleCore } from '../console-core';
import type { Db } from '../store/database';
import { RemoteStore, type CorruptRemote } from '../store/remote-store';

export interface FleetMemoryOptions {
  now?: () => number;
  log?: LogSink;
  /** Buffered hellos and last-seen times are written this often, in one transaction. */
  flushIntervalMs?: number;
  /** A remote's last-seen time is written at most this often. */
  touchIntervalMs?: number;
}

export interface FleetMemory {
  store: RemoteStore;
  /** The remembered remotes the core was seeded with (those it had not heard yet this session). */
  remembered: ReadonlySet<string>;
  /** Stored rows that did not read back (reported, skipped, left in the database). */
  corrupt: CorruptRemote[];
  /** Stops listening and writes what is buffered. */
  close(): void;
}

const DEFAULT_FLUSH_INTERVAL_MS = 1000;

/**
 * The console's memory of its fleet on the profile's database: the core starts knowing every remote it
 * ever heard (status `unknown`, last seen when it was), so a push can select and address a remote that
 * is offline now, and every hello and sign of life this session is written back in batches.
 */
export function rememberFleet(core: ConsoleCore, db: Db, opts: FleetMemoryOptions = {}): FleetMemory {
  const log = opts.log ?? silentLog;
  const store = new RemoteStore(db, {
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.touchIntervalMs === undefined ? {} : { touchIntervalMs: opts.touchIntervalMs }),
  });
  const { remotes, corrupt } = store.list();
  for (const c of corrupt) {
    log({
      level: 'warn',
      msg: `remembered remote ${c.id} skipped: its stored row does not read back`,
      error: c.error,
    });
  }
  const remembered = new Set(core.remember(remotes));
  const off = core.onFleetMessage((env, at) => {
    if (env.type === 'hello') store.hello(env.from, env.body, at);
    else store.touch(env.from, at);
  });
  const flush = () => {
    try {
      store.flush();
    } catch (e) {
      // The fleet lives on in memory; the next hello or sign of life is written again.
      log({
        level: 'error',
        msg: 'the fleet could not be written to the console database',
        error: String(e),
      });
    }
  };
  const timer = setInterval(flush, opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    store,
    remembered,
    corrupt,
    close: () => {
      clearInterval(timer);
      off();
      flush();
    },
  };
}
