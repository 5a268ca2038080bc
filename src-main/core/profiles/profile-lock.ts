import { readFile, rm, writeFile } from 'node:fs/promises';
import type { ProfileSession } from '../service/profile-session';
import type { ProfileEntry } from './registry';

/**
 * One interactive console per profile (docs/profiles.md, "One console per profile"): `<profile file>.lock`
 * holds the PID of the console that has the profile open. A lock whose PID is gone is stale and taken
 * over. The `smt` CLI does not take it: it shares the profile's database with the console by design.
 */
export class ProfileLockedError extends Error {
  override name = 'ProfileLockedError';
}

export const lockFileOf = (profileFile: string) => `${profileFile}.lock`;

/** Whether a process with this PID exists (EPERM: it does, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(file: string): Promise<number | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the profile's lock for `pid` (re-entrant within one process) and resolves to its release. A
 * directory the console may not write to (a read-only --profile) gets no lock rather than no console.
 */
export async function lockProfile(
  entry: ProfileEntry,
  pid = process.pid,
  alive: (pid: number) => boolean = processAlive,
): Promise<() => Promise<void>> {
  const file = lockFileOf(entry.file);
  const release = async () => {
    if ((await holderOf(file)) === pid) await rm(file, { force: true });
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${pid}\n`, { flag: 'wx', mode: 0o644 });
      return release;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') return async () => undefined;
      if (code !== 'EEXIST') throw e;
    }
    const holder = await holderOf(file);
    if (holder === pid) return release;
    if (holder !== undefined && alive(holder)) {
      throw new ProfileLockedError(
        `Profile "${entry.name}" is open in another SMT Console (process ${holder}): use that one, or close it and try again.`,
      );
    }
    // Stale (its console is gone) or not a PID at all: taken over.
    await rm(file, { force: true });
  }
  throw new ProfileLockedError(
    `Profile "${entry.name}" is being opened by another SMT Console at the same moment: try again.`,
  );
}

/** Opens a session under the profile's lock; closing the session gives the lock back. */
export async function openUnderLock(
  entry: ProfileEntry,
  open: () => Promise<ProfileSession>,
): Promise<ProfileSession> {
  const release = await lockProfile(entry);
  let session: ProfileSession;
  try {
    session = await open();
  } catch (e) {
    await release();
    throw e;
  }
  const close = session.close;
  session.close = async () => {
    try {
      await close();
    } finally {
      await release();
    }
  };
  return session;
}
