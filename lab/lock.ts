import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { pidAlive } from './process';

/**
 * Run fn while holding an exclusive lock file, so two processes (the CLI and a simulator, say) that
 * provision at the same time cannot overwrite each other's allowlist. A lock left by a dead process is
 * taken over. Not re-entrant: take it only at the public API's entry points.
 */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await lockIsStale(lockFile)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const holder = (await readFile(lockFile, 'utf8').catch(() => '?')).trim();
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${lockFile} (held by pid ${holder})`);
      }
      await delay(50);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function lockIsStale(lockFile: string): Promise<boolean> {
  try {
    const text = (await readFile(lockFile, 'utf8')).trim();
    const pid = Number(text);
    if (Number.isInteger(pid) && pid > 0) return !pidAlive(pid);
    // Created but not yet written: give its owner a moment before calling it abandoned.
    return Date.now() - (await stat(lockFile)).mtimeMs > 10_000;
  } catch {
    return false;
  }
}
