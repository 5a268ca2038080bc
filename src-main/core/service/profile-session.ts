import { basename, extname } from 'node:path';
import type { LogSink } from '../../../src-node/log';
import type { KeySealer } from '../../../src-node/secrets';
import { CommandRunner } from '../commands/command-runner';
import { ConsoleCore, type ConsoleCoreOptions } from '../console-core';
import { attachAlerts, type AttachedAlerts, type AlertsDeps } from '../alerts/attach';
import { allCerts, brokerCertFacts, fleetCertFacts, profileCertFacts } from '../alerts/profile-certs';
import { attachEvents, type AttachedEvents } from '../events/attach';
import { attachInventory, type AttachedInventory } from '../inventory/attach';
import { loadConsoleProfile } from '../profile';
import { attachPushEngine, type AttachedPush } from '../push/attach';
import { openDatabase, type Db } from '../store/database';
import { defaultDatabaseFile } from '../store/default-database';
import { attachTrends, type AttachedTrends } from '../trends/attach';
import { attachPools, type AttachedPools } from '../pools/attach';
import { poolFacts } from '../pools/pool-facts';
import { attachHa, type AttachedHa } from '../ha/attach';
import { haFacts } from '../ha/ha-facts';

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
  /** DHCP pools fleet-wide (docs/dhcp.md). */
  pools: AttachedPools;
  /** Kea HA pairs fleet-wide (docs/dhcp.md, "HA"). */
  ha: AttachedHa;
  events: AttachedEvents;
  /** Served inventories, what the profile intends, drift (docs/inventory.md). */
  inventory: AttachedInventory;
  commands: CommandRunner;
  /** Fleet-wide alerts (docs/alerts.md). */
  alerts: AttachedAlerts;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  profileFile: string;
  /** What the admin picks the profile by; the profile's own `name` unless given. */
  name?: string;
  /** Defaults to the profile's own database beside it. */
  dbFile?: string;
  sealers: readonly KeySealer[];
  log?: LogSink;
  core?: Omit<ConsoleCoreOptions, 'profile' | 'sealers' | 'log'>;
}

/**
 * Attaches the profile's database and everything that keeps it (push engine, trends, events, served
 * inventories, commands)
 * to a core that is not started yet; closing the session closes them all and stops the core.
 */
export function assembleSession(
  core: ConsoleCore,
  files: { profileFile: string; dbFile: string; name?: string },
  log?: LogSink,
  /** Pools and HA for the alerts, from the parts of the console that know them (none by default). */
  alertFacts: Pick<AlertsDeps, 'pools' | 'ha'> = {},
): ProfileSession {
  const logOpt = log ? { log } : {};
  const db = openDatabase(files.dbFile);
  const closers: (() => void)[] = [() => db.close()];
  const closeAll = () => {
    for (const c of closers.splice(0).reverse()) c();
  };
  try {
    const trends = attachTrends(core, db, logOpt);
    closers.push(() => trends.close());
    const pools = attachPools(core, trends.recorder);
    closers.push(() => pools.close());
    const ha = attachHa(core);
    closers.push(() => ha.close());
    const events = attachEvents(core, db, logOpt);
    closers.push(() => events.close());
    const name = files.name ?? basename(files.profileFile, extname(files.profileFile));
    const push = attachPushEngine(core, files.dbFile, { ...logOpt, profile: name });
    closers.push(() => push.close());
    const inventory = attachInventory(core, db, { pushes: push.store, events: events.store }, logOpt);
    closers.push(() => inventory.close());
    const alerts = attachAlerts(
      core,
      db,
      {
        // The pools' own view, unless the caller gives another; stale rows hold no alert.
        pools: () => poolFacts(pools.tracker.list().pools),
        ha: () => haFacts(ha.tracker.list().pairs),
        ...alertFacts,
        objects: () => inventory.objects(),
        triggers: [
          (l) => inventory.onChanged(() => l()),
          (l) => core.subscribe('connectionChanged', () => l()),
        ],
        certs: allCerts(
          profileCertFacts(core.tlsFiles),
          brokerCertFacts(core.brokers),
          fleetCertFacts(core.fleet),
        ),
      },
      { ...logOpt, profile: name },
    );
    closers.push(() => alerts.close());
    const commands = new CommandRunner({ send: (rid, body) => core.sendCommand(rid, body) }, logOpt);
    const offCommands = core.onResult((r) => void commands.takeResult(r));
    closers.push(() => {
      offCommands();
      commands.close();
    });
    return {
      name,
      profileFile: files.profileFile,
      dbFile: files.dbFile,
      core,
      db,
      push,
      trends,
      pools,
      ha,
      events,
      inventory,
      commands,
      alerts,
      close: async () => {
        await core.stop();
        closeAll();
      },
    };
  } catch (e) {
    closeAll();
    throw e;
  }
}

/**
 * Loads the profile, opens its session and starts connecting. The keys are unsealed at start (a wrong
 * passphrase throws here); whatever was opened is closed again if a step fails.
 */
export async function openProfileSession(opts: OpenSessionOptions): Promise<ProfileSession> {
  const profile = await loadConsoleProfile(opts.profileFile);
  const core = new ConsoleCore({
    ...opts.core,
    profile,
    sealers: opts.sealers,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const session = assembleSession(
    core,
    {
      profileFile: opts.profileFile,
      dbFile: opts.dbFile ?? defaultDatabaseFile(opts.profileFile),
      name: opts.name ?? profile.name,
    },
    opts.log,
  );
  try {
    await core.start();
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}
