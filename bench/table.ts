import type { BenchResults } from './results';

const num = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));
const verdict = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');

/** Blocks of rows under their own header lines, in one set of aligned columns. */
function render(blocks: { head: string[]; body: string[][] }[]): string {
  const all = blocks.flatMap((b) => [b.head, ...b.body]);
  const widths = (blocks[0]?.head ?? []).map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return blocks.flatMap((b) => [line(b.head), rule, ...b.body.map(line)]).join('\n');
}

/** The run as one table: latency rows first, then the single figures, each with its target's verdict. */
export function resultsTable(r: BenchResults): string {
  const head = [
    'scenario',
    'remotes',
    'runs',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'bare p99',
    'ratio',
    'target',
    '',
  ];
  const body = r.rows.map((row) => [
    row.scenario,
    String(row.remotes),
    String(row.runs),
    num(row.p50_ms),
    num(row.p95_ms),
    num(row.p99_ms),
    num(row.max_ms),
    num(row.baseline_p99_ms),
    num(row.ratio, 2),
    [
      row.target_p99_ms === null ? '' : `≤ ${row.target_p99_ms} ms`,
      row.target_ratio === null ? '' : `≤ ${row.target_ratio}×`,
    ]
      .filter(Boolean)
      .join(', '),
    verdict(row.met),
  ]);
  const figures = r.figures.map((f) => [
    `${f.scenario}: ${f.metric}`,
    String(f.remotes),
    '',
    '',
    '',
    `${num(f.value, f.value < 10 ? 2 : 1)} ${f.unit}`,
    '',
    f.baseline === null ? '' : `${num(f.baseline, f.baseline < 10 ? 2 : 1)} ${f.unit}`,
    f.baseline === null || f.baseline === 0 ? '' : num(f.value / f.baseline, 2),
    f.target_max === null ? '' : `≤ ${f.target_max} ${f.unit}`,
    verdict(f.met),
  ]);
  const m = r.machine;
  const about =
    `${m.cpus} × ${m.cpu_model}, ${m.mem_gib} GiB, Node ${m.node}, load ${m.loadavg_start.join(' ')} → ` +
    `${m.loadavg_end.join(' ')}, ${r.mode} run of ${Math.round(m.duration_s)} s`;
  const figureHead = ['figure', 'remotes', '', '', '', 'value', '', 'bare', 'ratio', 'target', ''];
  const failed = r.failures.map((f) => `FAILED ${f.scenario}: ${f.error}\n`).join('');
  return `${render([
    { head, body },
    { head: figureHead, body: figures },
  ])}\n${failed}${about}`;
}
