import type { LogSink } from '../../src-node/log';
import type { KeySealer } from '../../src-node/secrets';
import { ConsoleCore } from '../core/console-core';
import { attachPushEngine, type AttachedPush } from '../core/push/attach';
import { defaultDatabaseFile } from '../core/store/default-database';
import { startHost, type RunningHost } from './server';

export interface ConsoleHostOptions {
  profileFile: string;
  sealers: readonly KeySealer[];
  /** The renderer bundle (dist/renderer). */
  staticDir: string;
  port?: number;
  /** The profile's own database (defaultDatabaseFile) unless given. */
  dbFile?: string;
  log: LogSink;
  hostLog: (line: string) => void;
}

export interface ConsoleHost {
  core: ConsoleCore;
  push: AttachedPush;
  host: RunningHost;
  /** Stops serving, closes the database (the outbox keeps what is not sent), then disconnects. */
  close(): Promise<void>;
}

/**
 * The browser host's console: the core of the profile with its push engine and fleet memory on the
 * profile's database, like every console on the profile, so pushes another console queued (the `smt` CLI
 * while no broker answered) are sent from here too, and results this console takes move them on.
 */
export async function startConsoleHost(opts: ConsoleHostOptions): Promise<ConsoleHost> {
  const core = await ConsoleCore.fromProfileFile(opts.profileFile, { log: opts.log, sealers: opts.sealers });
  const push = attachPushEngine(core, opts.dbFile ?? defaultDatabaseFile(opts.profileFile), {
    log: opts.log,
  });
  let host: RunningHost;
  try {
    await core.start();
    host = await startHost({
      backend: core,
      ...(opts.port === undefined ? {} : { port: opts.port }),
      staticDir: opts.staticDir,
      log: opts.hostLog,
    });
  } catch (e) {
    push.close();
    await core.stop();
    throw e;
  }
  return {
    core,
    push,
    host,
    close: async () => {
      await host.close();
      push.close();
      await core.stop();
    },
  };
}
