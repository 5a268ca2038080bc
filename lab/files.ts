import { randomBytes } from 'node:crypto';
import { open, rename, rm, utimes } from 'node:fs/promises';

/**
 * Write a file so that readers see either the old or the new content, never a half-written one
 * (the broker re-reads users.properties while we write it).
 */
export async function writeAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * JAAS reloads a properties file only when its mtime is later than its last load. A file renamed into
 * place keeps the temp file's (earlier) mtime, so a load between our write and our rename would miss the
 * change for good; an mtime slightly in the future is later than any load that can have happened.
 */
export async function markChangedForReload(path: string): Promise<void> {
  const future = new Date(Date.now() + 1000);
  await utimes(path, future, future);
}
