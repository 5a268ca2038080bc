import { cpus, hostname, loadavg, release, totalmem } from 'node:os';
import type { Machine } from './results';

const load = () => loadavg().map((v) => Math.round(v * 100) / 100) as [number, number, number];

/** What the figures were measured on, and how busy it was: absolute times mean little without it. */
export function machineFacts(): { end(): Machine } {
  const startedAt = new Date();
  const start = load();
  const t0 = performance.now();
  return {
    end: () => ({
      hostname: hostname(),
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
      mem_gib: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
      kernel: release(),
      loadavg_start: start,
      loadavg_end: load(),
      started_at: startedAt.toISOString(),
      duration_s: Math.round((performance.now() - t0) / 100) / 10,
    }),
  };
}
