import { open, rename } from 'node:fs/promises';
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

/** Replaces a file so a crash leaves either the old content or the new, never a mix. */
export async function writeFileDurably(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const out = await open(tmp, 'w', 0o600);
  try {
    await out.write(content);
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(tmp, file);
  await syncDir(dirname(file));
}
