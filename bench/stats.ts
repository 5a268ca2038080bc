/** Percentiles and small sums for the bench's samples. */

export interface Distribution {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentiles: the value at rank ceil(p·n), an actual sample, never an interpolation; with
 * fewer than 100 samples p99 is the maximum, which the table's run count makes plain.
 */
export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
  return { runs: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
