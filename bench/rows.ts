import type { Figure, LatencyRow } from './results';
import type { Distribution } from './stats';

const ms = (v: number) => Math.round(v * 10) / 10;

/** A latency row: SMT's distribution, the bare broker's p99 beside it, and whether the targets hold. */
export function latencyRow(
  scenario: string,
  remotes: number,
  smt: Distribution,
  baseline: Distribution | null,
  target: { p99: number | null; ratio: number | null },
): LatencyRow {
  const ratio = baseline && baseline.p99 > 0 ? Math.round((smt.p99 / baseline.p99) * 100) / 100 : null;
  const checks = [
    target.p99 === null ? null : smt.p99 <= target.p99,
    target.ratio === null || ratio === null ? null : ratio <= target.ratio,
  ].filter((c): c is boolean => c !== null);
  return {
    scenario,
    remotes,
    runs: smt.runs,
    p50_ms: ms(smt.p50),
    p95_ms: ms(smt.p95),
    p99_ms: ms(smt.p99),
    max_ms: ms(smt.max),
    baseline_p99_ms: baseline ? ms(baseline.p99) : null,
    baseline_runs: baseline?.runs ?? null,
    ratio,
    target_p99_ms: target.p99,
    target_ratio: target.ratio,
    met: checks.length ? checks.every(Boolean) : null,
  };
}

/** A single figure, with its target (at most this much) where the issue sets one. */
export function figure(
  scenario: string,
  remotes: number,
  metric: string,
  value: number,
  unit: string,
  opts: { baseline?: number | null; targetMax?: number | null } = {},
): Figure {
  const targetMax = opts.targetMax ?? null;
  return {
    scenario,
    remotes,
    metric,
    value: Math.round(value * 100) / 100,
    unit,
    baseline:
      opts.baseline === undefined || opts.baseline === null ? null : Math.round(opts.baseline * 100) / 100,
    target_max: targetMax,
    met: targetMax === null ? null : value <= targetMax,
  };
}
