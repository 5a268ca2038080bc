/**
 * The lab console's own profile session on a private lab, and `count` real remotes (lab/real-remotes.ts)
 * reported online to it: what the tests of the console on real named and Kea (drift, find a name,
 * reservations) start and stop the same way.
 *
 *   const bed = await startRealSessionBed('smt-real-drift-', 5, { keaChangePollMs: 500 });
 *   await bed.smt('drift', '--json');           // the CLI on the same database, as another process
 *   expect((await bed.stop()).alive).toEqual([]); // in afterAll: remotes by PID, session, lab, dir
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleProfilePath, labConsolePassphrase, labConsoleSealers } from '../../lab/lab';
import { startRealRemotes, type RealRemote } from '../../lab/real-remotes';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from './lab-fixture';
import { stopCountingLeftovers } from './real-remotes';
import { runSmt, type SmtRun } from './smt-cli';

export interface RealSessionBed {
  lab: LabFixture;
  session: ProfileSession;
  remotes: RealRemote[];
  /** The session's database. */
  db: string;
  remote(id: string): RealRemote;
  /** `smt` on the session's profile and database, as an administrator's script would run it. */
  smt(...args: string[]): Promise<SmtRun>;
  /** Stops the remotes (by PID), the session and the lab; the PIDs still alive after. */
  stop(): Promise<{ alive: number[] }>;
}

export async function startRealSessionBed(
  dirPrefix: string,
  count: number,
  remoteOptions: Parameters<typeof startRealRemotes>[2] = {},
): Promise<RealSessionBed> {
  let lab: LabFixture | undefined;
  let session: ProfileSession | undefined;
  let remotes: RealRemote[] = [];
  let dir = '';
  const stop = async () => {
    const { alive } = await stopCountingLeftovers(remotes);
    await session?.close();
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    return { alive };
  };
  try {
    lab = await startLab();
    dir = await mkdtemp(join(tmpdir(), dirPrefix));
    const db = join(dir, 'console.db');
    const passphrase = await labConsolePassphrase(lab.opts);
    // Before the agents: the console's inventory queue exists once someone reads it.
    const s = await openProfileSession({
      profileFile: consoleProfilePath(lab.opts),
      dbFile: db,
      sealers: await labConsoleSealers(lab.opts),
    });
    session = s;
    await waitFor(
      'the console to connect',
      () => s.core.connectionStatus().state.kind === 'connected',
      30_000,
    );
    remotes = await startRealRemotes(lab.opts, count, remoteOptions);
    await waitFor(
      `the ${count} real remotes online`,
      () =>
        s.core.fleet.selectable().filter((r) => r.capabilities.length > 0 && r.status === 'online').length ===
        count,
      30_000,
      100,
    );
    const labOpts = lab.opts;
    const all = remotes;
    return {
      lab,
      session: s,
      remotes: all,
      db,
      remote: (id) => {
        const r = all.find((x) => x.remoteId === id);
        if (!r) throw new Error(`no real remote ${id} in this bed`);
        return r;
      },
      smt: (...args) => runSmt({ lab: labOpts, db, passphrase }, ...args),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
