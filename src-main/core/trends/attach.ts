import type { LogSink } from '../../../src-node/log';
import type { ConsoleCore } from '../console-core';
import type { Db } from '../store/database';
import { TrendStore } from '../store/trend-store';
import { TrendRecorder } from './trend-recorder';

export interface AttachedTrends {
  recorder: TrendRecorder;
  /** Unhooks from the core and writes every bucket, the open ones too. */
  close(): void;
}

/** Keeps every live sample the core takes in the profile's database, downsampled (src-shared/trends). */
export function attachTrends(
  core: ConsoleCore,
  db: Db,
  opts: { log?: LogSink; flushIntervalMs?: number } = {},
): AttachedTrends {
  const recorder = new TrendRecorder({ store: new TrendStore(db), ...opts });
  const off = core.onFleetMessage((env) => {
    if (env.type === 'stats' || env.type === 'usage') recorder.take(env);
  });
  recorder.start();
  return {
    recorder,
    close: () => {
      off();
      recorder.stop();
    },
  };
}
