import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuSeconds, memory, parseCpuSeconds, parseMemory } from './proc';

describe('/proc readers', () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1000 0 0';
    expect(parseCpuSeconds(stat)).toBeCloseTo(3, 5);
  });

  it('reads resident and peak memory in bytes', () => {
    expect(parseMemory('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n')).toEqual({
      rss: 100 * 1024 * 1024,
      peak: 200 * 1024 * 1024,
    });
    expect(() => parseMemory('Name:\tnode\n')).toThrow('no VmRSS');
  });

  it('agrees with the kernel about this process', () => {
    const m = memory(process.pid);
    expect(m.rss).toBeGreaterThan(0);
    expect(m.peak).toBeGreaterThanOrEqual(m.rss);
    expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${process.pid}/stat`, 'utf8')).toContain(`${process.pid} (`);
  });
});
