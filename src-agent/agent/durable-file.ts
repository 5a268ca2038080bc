import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A rename is durable only once the directory that holds it is synced. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Replaces a file so a crash leaves either the old content or the new, never a mix. `writeFile` writes
 * it whole or fails (a plain `write` may stop short on a full disk and say nothing); on a failure the
 * temp file is removed, so the space it took is given back and the old file stays as it was.
 */
export async function writeFileDurably(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    const out = await open(tmp, 'w', 0o600);
    try {
      await out.writeFile(content);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(file));
}
