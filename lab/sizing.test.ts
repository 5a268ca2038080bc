import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { brokerFileLimit, brokerHeapMb, javaHeapMbOf } from './sizing';

describe('broker sizing', () => {
  it.each([
    [0, 256],
    [100, 256],
    [400, 256],
    [1_000, 576],
    [2_000, 1_024],
    [5_000, 2_496],
    [10_000, 4_864],
  ])('%i remotes get a %i MB heap', (remotes, mb) => {
    expect(brokerHeapMb(remotes)).toBe(mb);
  });

  it('keeps the live set at a third of the heap or less, so the old generation stays half empty', () => {
    for (const remotes of [500, 1_000, 5_000, 10_000]) {
      const live = 16 + 0.16 * remotes;
      expect(live / brokerHeapMb(remotes)).toBeLessThanOrEqual(1 / 3);
    }
  });

  it.each([
    [0, 1_024],
    [1_000, 2_048],
    [5_000, 6_144],
    [10_000, 11_264],
  ])('%i remotes need an open-file limit of %i', (remotes, fds) => {
    expect(brokerFileLimit(remotes)).toBe(fds);
  });

  it("reads a running process's -Xmx from its command line", async () => {
    // A stand-in with Java's argument shape: node leaves what follows `--` to its script.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', '--', '-Xms1g', '-Xmx1g'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const pid = child.pid as number;
      await expect.poll(() => javaHeapMbOf(pid)).toBe(1024);
    } finally {
      child.kill();
    }
    expect(await javaHeapMbOf(2 ** 22 + 7)).toBeUndefined();
  });
});
