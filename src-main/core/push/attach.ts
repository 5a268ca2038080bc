import type { ConsoleCore } from '../console-core';
import { openDatabase } from '../store/database';
import { PushStore } from '../store/push-store';
import { PushEngine, type PushEngineOptions } from './push-engine';
import { rememberFleet, type FleetMemory, type FleetMemoryOptions } from './remember-fleet';

export interface AttachedPush {
  engine: PushEngine;
  store: PushStore;
  /** The fleet this profile's consoles know (the core was seeded with it). */
  fleet: FleetMemory;
  /** Unhooks the engine from the core and closes the database; the outbox keeps what is not sent. */
  close(): void;
}

/**
 * How long a withdrawal waits for the broker to hand over a message still in a remote's queue before it
 * concludes the remote has it: a waiting message comes within milliseconds, so this is mostly margin
 * for a busy broker on a loaded machine.
 */
export const DEFAULT_WITHDRAW_TIMEOUT_MS = 1_000;

/**
 * Opens the profile's database and hooks a push engine to the core: results move deliveries on (each
 * burst stored in one transaction before the core acknowledges it, as the listener is synchronous), and every time the core's
 * session opens (first connect, reconnect, failover) what is still queued is sent again. An engine
 * attached on an existing database picks up where the last console stopped once the core connects.
 * The core is first seeded with the fleet the database remembers (rememberFleet), so a push can address a
 * remote that has not spoken yet this session; attach before `core.start()` for it to know them at once.
 */
export function attachPushEngine(
  core: ConsoleCore,
  dbFile: string,
  {
    withdrawTimeoutMs = DEFAULT_WITHDRAW_TIMEOUT_MS,
    ...opts
  }: Omit<PushEngineOptions, 'store' | 'port'> & {
    withdrawTimeoutMs?: number;
    /** The IPAM profile's name, stamped on its audit entries. */
    profile?: string;
    fleet?: Omit<FleetMemoryOptions, 'log' | 'now'>;
  } = {},
): AttachedPush {
  const { fleet: fleetOpts, profile, ...engineOpts } = opts;
  const db = openDatabase(dbFile);
  const fleet = rememberFleet(core, db, {
    ...fleetOpts,
    ...(opts.log === undefined ? {} : { log: opts.log }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const store = new PushStore(db, profile === undefined ? {} : { profile });
  const engine = new PushEngine({
    ...engineOpts,
    store,
    port: {
      send: async (remoteId, body, smtId, sendOpts = {}) =>
        void (await core.sendConfig(remoteId, body, { ...sendOpts, id: smtId })),
      withdraw: (remoteId, smtId) => core.withdrawConfig(remoteId, smtId, withdrawTimeoutMs),
      remotes: () => core.fleet.selectable(),
    },
  });
  const offResult = core.onResults((rs) => engine.takeResults(rs));
  const offConn = core.subscribe('connectionChanged', (s) => {
    if (s.state.kind === 'connected') engine.resendQueued();
  });
  if (core.connectionStatus().state.kind === 'connected') engine.resendQueued();
  return {
    engine,
    store,
    fleet,
    close: () => {
      offResult();
      offConn();
      engine.close();
      fleet.close();
      db.close();
    },
  };
}
