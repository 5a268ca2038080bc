import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_PROFILE_FILE, readLastProfile, writeLastProfile } from './last-profile';
import { ProfileLockedError, lockFileOf, lockProfile } from './profile-lock';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('profile lock', () => {
  it('is held by one console at a time, names the holder, and is given back', async () => {
    const entry = { name: 'IPAM A', file: join(dir, 'a.json') };
    const alive = new Set([100, 200]);
    const release = await lockProfile(entry, 100, (pid) => alive.has(pid));
    expect(await readFile(lockFileOf(entry.file), 'utf8')).toBe('100\n');
    // The same process again (a switch back) is not refused.
    await lockProfile(entry, 100, (pid) => alive.has(pid));
    const refused = await lockProfile(entry, 200, (pid) => alive.has(pid)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProfileLockedError);
    expect((refused as Error).message).toBe(
      'Profile "IPAM A" is open in another SMT Console (process 100): use that one, or close it and try again.',
    );
    await release();
    await expect(readFile(lockFileOf(entry.file), 'utf8')).rejects.toThrow('ENOENT');
    const second = await lockProfile(entry, 200, (pid) => alive.has(pid));
    await second();
  });

  it('takes over a lock whose console is gone, or that holds no PID', async () => {
    const entry = { name: 'IPAM B', file: join(dir, 'b.json') };
    await writeFile(lockFileOf(entry.file), '4242\n');
    const release = await lockProfile(entry, 300, (pid) => pid === 300);
    expect(await readFile(lockFileOf(entry.file), 'utf8')).toBe('300\n');
    await release();
    await writeFile(lockFileOf(entry.file), 'not a pid');
    await (
      await lockProfile(entry, 300, () => true)
    )();
  });
});

describe('last profile file', () => {
  it('remembers a name, and ignores a file that is not its own', async () => {
    const d = join(dir, 'profiles');
    expect(await readLastProfile(d)).toBeUndefined();
    await writeLastProfile(d, 'IPAM A');
    expect(await readLastProfile(d)).toBe('IPAM A');
    await writeFile(join(d, LAST_PROFILE_FILE), '{"v":1,"name":"../../etc"}');
    expect(await readLastProfile(d)).toBeUndefined();
    await writeFile(join(d, LAST_PROFILE_FILE), 'garbage');
    expect(await readLastProfile(d)).toBeUndefined();
  });
});
