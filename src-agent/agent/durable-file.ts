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
 * `durable: false` keeps the replace atomic against a crash of the process (what was written is in the
 * page cache) but not against a crash of the machine: no fsync of the file or its directory.
 */
export async function replaceFile(file: string, content: string, opts: { durable: boolean }): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    const out = await open(tmp, 'w', 0o600);
    try {
      await out.writeFile(content);
      if (opts.durable) await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  if (opts.durable) await syncDir(dirname(file));
}

/** replaceFile, and synced so that the new content survives a crash of the machine too. */
export const writeFileDurably = (file: string, content: string) =>
  replaceFile(file, content, { durable: true });
