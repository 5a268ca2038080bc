/**
 * A small tmpfs of its own for a test that needs a real full or read-only disk (root only: it mounts).
 * `fill` takes every free block with filler files, `free` gives them back; `readOnly` remounts (which
 * the kernel refuses while a file on it is open for writing: stop its writers first).
 *
 *   const disk = await mountTmpfs(8 << 20);
 *   await disk.fill();  …  await disk.free();
 *   await disk.unmount();   // in afterAll
 */
import { execFileSync } from 'node:child_process';
import { statfs, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Bytes still free for a new file. */
  freeBytes(): Promise<number>;
  fill(): Promise<void>;
  free(): Promise<void>;
  readOnly(on: boolean): void;
  unmount(): Promise<void>;
}

export async function mountTmpfs(sizeBytes: number): Promise<Tmpfs> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir]);
  let fillers = 0;
  const freeBytes = async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    freeBytes,
    fill: async () => {
      const bytes = await freeBytes();
      if (bytes > 0) await writeFile(join(dir, `filler-${fillers++}`), Buffer.alloc(bytes));
    },
    free: async () => {
      for (let i = 0; i < fillers; i++) await rm(join(dir, `filler-${i}`), { force: true });
      fillers = 0;
    },
    readOnly: (on) => void execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir]),
    unmount: async () => {
      execFileSync('umount', ['--lazy', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
