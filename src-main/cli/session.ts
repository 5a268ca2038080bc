import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { lineLog } from '../../src-node/log';
import { PassphraseError, passphraseSealer, readPassphrase, PASSPHRASE_ENV } from '../../src-node/secrets';
import { ConsoleCore } from '../core/console-core';
import { attachInventory, type AttachedInventory } from '../core/inventory/attach';
import { attachPushEngine, type AttachedPush } from '../core/push/attach';
import { openDatabase } from '../core/store/database';
import { EventStore } from '../core/store/event-store';
import { TrendStore } from '../core/store/trend-store';
import { TrendRecorder } from '../core/trends/trend-recorder';
import { attachPools, type AttachedPools } from '../core/pools/attach';
import { attachHa, type AttachedHa } from '../core/ha/attach';
import { defaultDatabaseFile } from '../core/store/default-database';
import { CliExit, Exit, type Globals } from './args';
import { errorText } from '../../src-shared/util/error-text';

const CONNECT_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 10_000;
/** The lab's layout (lab/paths.ts), which src-main may not import: `npm run lab -- up` writes these. */
const LAB_DIR = '.lab';
const LAB_PROFILE = 'console-profile.json';
const LAB_PASSPHRASE = 'console-passphrase';

export interface Session {
  core: ConsoleCore;
  push: AttachedPush;
  /** Served inventories and drift (docs/inventory.md), on its own handle of the profile's database. */
  inventory: AttachedInventory;
  /**
   * DHCP pools from this session's usage messages; the forecast reads the trend the desktop console
   * stored in the shared database, and this session's samples are merged into it.
   */
  pools: AttachedPools;
  /** Kea HA pairs from this session's usage messages (docs/dhcp.md, "HA"). */
  ha: AttachedHa;
  dbFile: string;
  close(): Promise<void>;
}

/** --profile, else the lab's console profile when ./.lab exists; the passphrase file comes with the latter. */
export function resolveProfile(
  globals: Globals,
  cwd = process.cwd(),
): { profile: string; labPassphraseFile?: string } {
  if (globals.profile !== undefined) return { profile: resolve(cwd, globals.profile) };
  const lab = join(cwd, LAB_DIR);
  if (!existsSync(lab)) {
    throw new CliExit(
      Exit.usage,
      `no --profile given and no ${LAB_DIR}/ here: pass --profile <console-profile.json>`,
    );
  }
  return { profile: join(lab, LAB_PROFILE), labPassphraseFile: join(lab, LAB_PASSPHRASE) };
}

async function passphrase(labPassphraseFile: string | undefined): Promise<string> {
  try {
    if (labPassphraseFile !== undefined && process.env[PASSPHRASE_ENV] === undefined) {
      return (await readFile(labPassphraseFile, 'utf8')).trim();
    }
    return await readPassphrase();
  } catch (e) {
    if (e instanceof PassphraseError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliExit(Exit.usage, errorText(e));
    }
    throw e;
  }
}

/** Connects the console core of the profile (exit 3 if it cannot) with a push engine on its database. */
export async function openSession(globals: Globals): Promise<Session> {
  const { profile, labPassphraseFile } = resolveProfile(globals);
  const dbFile = globals.db === undefined ? defaultDatabaseFile(profile) : resolve(globals.db);
  const sealers = [passphraseSealer(await passphrase(labPassphraseFile))];
  const log = lineLog((line) => process.stderr.write(`smt: ${line}\n`), 'error');
  let core: ConsoleCore;
  try {
    core = await ConsoleCore.fromProfileFile(profile, { log, sealers });
  } catch (e) {
    throw new CliExit(Exit.usage, `profile ${profile}: ${errorText(e)}`);
  }
  // Audited under the profile's name, as the desktop console names it.
  const push = attachPushEngine(core, dbFile, { profile: basename(profile, extname(profile)) });
  // The CLI reads the fleet queues like the desktop console: what it reads it stores for both.
  const db = openDatabase(dbFile);
  const inventory = attachInventory(core, db, { pushes: push.store, events: new EventStore(db) }, { log });
  const poolTrends = new TrendRecorder({ store: new TrendStore(db), log });
  const pools = attachPools(core, poolTrends);
  const ha = attachHa(core);
  const close = async () => {
    // A broker that never answers must not keep the command alive past the deadline.
    const timer = setTimeout(() => {
      process.stderr.write('smt: the connection did not close in time; exiting\n');
      process.exit(Exit.error);
    }, STOP_DEADLINE_MS);
    timer.unref();
    push.close();
    await core.stop();
    inventory.close();
    pools.close();
    ha.close();
    poolTrends.stop();
    db.close();
    clearTimeout(timer);
  };
  try {
    await core.start();
    const connected = await until(
      () => core.connectionStatus().state.kind === 'connected',
      CONNECT_DEADLINE_MS,
    );
    if (!connected) {
      const s = core.connectionStatus().state;
      const why = s.kind === 'backoff' || s.kind === 'failed' ? `: ${s.lastError}` : '';
      throw new CliExit(Exit.connect, `no broker answered within ${CONNECT_DEADLINE_MS / 1000} s${why}`);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { core, push, inventory, pools, ha, dbFile, close };
}

/** Polls a condition until it holds or the deadline passes; false on the deadline. */
export async function until(cond: () => boolean, deadlineMs: number, everyMs = 100): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}
