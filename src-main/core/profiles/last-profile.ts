import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ProfileName } from '../../../src-shared/ipc/profile-views';

/** `<profiles dir>/last-profile.json`: which profile this console opened last, preselected at unlock. */
export const LAST_PROFILE_FILE = 'last-profile.json';

const LastProfile = z.strictObject({ v: z.literal(1), name: ProfileName });

/** The name remembered, or undefined when none is (or the file is not ours: it is then ignored). */
export async function readLastProfile(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, LAST_PROFILE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = LastProfile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.name : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole (a temporary file renamed into place), so a crash never leaves half a name. */
export async function writeLastProfile(dir: string, name: string): Promise<void> {
  const value: z.infer<typeof LastProfile> = { v: 1, name: ProfileName.parse(name) };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${LAST_PROFILE_FILE}.${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, join(dir, LAST_PROFILE_FILE));
  } finally {
    await rm(tmp, { force: true });
  }
}
