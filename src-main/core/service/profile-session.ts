import { basename, extname } from 'node:path';
import type { LogSink } from '../../../src-node/log';
import type { KeySealer } from '../../../src-node/secrets';
import { ConsoleCore, type ConsoleCoreOptions } from '../console-core';
import { attachPushEngine, type AttachedPush } from '../push/attach';
import { openDatabase, type Db } from '../store/database';
import { defaultDatabaseFile } from '../store/default-database';
import { attachTrends, type AttachedTrends } from '../trends/attach';

/** Everything one IPAM profile runs on: its broker link, its database and what keeps that database. */
export interface ProfileSession {
  /** The profile file's name without extension: what the admin picks a profile by. */
  name: string;
  profileFile: string;
  dbFile: string;
  core: ConsoleCore;
  db: Db;
  push: AttachedPush;
  trends: AttachedTrends;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  profileFile: string;
  /** Defaults to the profile's own database beside it. */
  dbFile?: string;
  sealers: readonly KeySealer[];
  log?: LogSink;
  core?: Omit<ConsoleCoreOptions, 'profile' | 'sealers' | 'log'>;
  trendFlushIntervalMs?: number;
}

/**
 * Opens the profile's database, attaches the push engine and the trend recorder to a new core, and
 * starts connecting. The keys are unsealed at start (a wrong passphrase throws here, before anything
 * else opens); whatever was opened is closed again if a later step fails.
 */
export async function openProfileSession(opts: OpenSessionOptions): Promise<ProfileSession> {
  const dbFile = opts.dbFile ?? defaultDatabaseFile(opts.profileFile);
  const core = await ConsoleCore.fromProfileFile(opts.profileFile, {
    ...opts.core,
    sealers: opts.sealers,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const db = openDatabase(dbFile);
  let push: AttachedPush | undefined;
  let trends: AttachedTrends | undefined;
  try {
    trends = attachTrends(core, db, {
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.trendFlushIntervalMs ? { flushIntervalMs: opts.trendFlushIntervalMs } : {}),
    });
    push = attachPushEngine(core, dbFile, opts.log ? { log: opts.log } : {});
    await core.start();
  } catch (e) {
    push?.close();
    trends?.close();
    await core.stop();
    db.close();
    throw e;
  }
  const attached = { push, trends };
  return {
    name: basename(opts.profileFile, extname(opts.profileFile)),
    profileFile: opts.profileFile,
    dbFile,
    core,
    db,
    ...attached,
    close: async () => {
      attached.push.close();
      attached.trends.close();
      await core.stop();
      db.close();
    },
  };
}
