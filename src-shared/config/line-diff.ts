/**
 * A line diff for the push preview (what a remote serves now against what a push would send): Myers'
 * O(ND) algorithm on the lines between the common prefix and suffix, grouped into unified-diff hunks.
 *
 * Zone payloads reach 4 MB. Two such texts that share nothing would cost Myers O((N+M)·D) time and
 * O(D²) memory, so the search is capped (`maxEdits`, `maxWork`); past the cap the differing middle is
 * shown as one whole replacement (`exact: false`). That diff is still correct — applying it to `before`
 * gives `after` — only not minimal. Pure: no Node built-ins, so the renderer can use it too.
 *
 * Why not the `diff` package (jsdiff, issue 15): it is no dependency of this project (not in node_modules,
 * and the consolidation could not add one), so it was not benchmarked against this module. Its
 * `structuredPatch` with `maxEditLength` / `timeout` returns `undefined` past either cap, not a diff, so
 * this whole-replacement fallback would stay ours anyway, and a `timeout` makes the answer depend on how
 * busy the machine is. This module on a 4.0 MB zone (125,000 lines; medians of 3 on 2 cores at load 12,
 * so slow): 10 lines changed 1.2 s, exact; 1,250 or 12,500 lines changed (past `maxEdits`) 1.3 s, whole
 * replacement; nothing shared 1.4 s; RSS at most 380 MB. Compare with jsdiff before switching.
 */

export interface DiffLine {
  op: ' ' | '-' | '+';
  /** The line without its newline. */
  text: string;
  /** The last line of a text that does not end with a newline. */
  noNewline?: true;
}

/** One unified-diff hunk; starts are 1-based line numbers, as `@@ -start,count +start,count @@` prints them. */
export interface Hunk {
  beforeStart: number;
  beforeCount: number;
  afterStart: number;
  afterCount: number;
  lines: DiffLine[];
}

export interface LineDiff {
  hunks: Hunk[];
  added: number;
  removed: number;
  /** False when the search hit its cap and the middle is a whole replacement (correct, not minimal). */
  exact: boolean;
}

export interface DiffOptions {
  /** Unchanged lines shown around each change; 3 like diff -u. */
  context?: number;
  /** Give up on a minimal diff past this many inserted plus deleted lines. */
  maxEdits?: number;
  /** Give up past this many steps of the search (diagonal moves plus edit rounds). */
  maxWork?: number;
}

export const defaultDiffOptions: Required<DiffOptions> = {
  context: 3,
  // (maxEdits+1)² saved search cells at most: 2,000 keeps the trace near 16 MB.
  maxEdits: 2_000,
  maxWork: 20_000_000,
};

/** Lines with their terminators, so that texts differing only in a final newline compare unequal. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

const EQUAL = 0;
const DELETE = 1;
const INSERT = 2;
type Op = typeof EQUAL | typeof DELETE | typeof INSERT;

/**
 * The shortest edit script from a to b as ops, in order; undefined past the caps. Forward Myers with
 * the V window of every round kept for the walk back.
 */
function myers(a: Int32Array, b: Int32Array, maxEdits: number, maxWork: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let work = 0;
  let end = -1;
  for (let d = 0; d <= max && end < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))
          ? (v[offset + k + 1] ?? 0)
          : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      const from = x;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      work += x - from + 1;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        end = d;
        break;
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
    if (work > maxWork) return undefined;
  }
  if (end < 0) return undefined;

  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = end; d > 0; d--) {
    const prev = trace[d - 1] as Int32Array;
    // prev holds k = -(d-1) … d-1 at index k + d - 1.
    const at = (k: number) => prev[k + d - 1] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    while (x > startX) {
      ops.push(EQUAL);
      x--;
      y--;
    }
    ops.push(down ? INSERT : DELETE);
    x = prevX;
    y = prevY;
  }
  while (x > 0) {
    ops.push(EQUAL);
    x--;
  }
  return ops.reverse();
}

/** The line diff of two texts (see the module comment for the caps and the fallback). */
export function diffLines(before: string, after: string, options: DiffOptions = {}): LineDiff {
  const opts = { ...defaultDiffOptions, ...options };
  const a = splitLines(before);
  const b = splitLines(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const ids = new Map<string, number>();
  const intern = (lines: string[], from: number, to: number) => {
    const out = new Int32Array(to - from);
    for (let i = from; i < to; i++) {
      const line = lines[i] as string;
      let id = ids.get(line);
      if (id === undefined) {
        id = ids.size;
        ids.set(line, id);
      }
      out[i - from] = id;
    }
    return out;
  };
  const midA = intern(a, prefix, a.length - suffix);
  const midB = intern(b, prefix, b.length - suffix);
  let middle = myers(midA, midB, opts.maxEdits, opts.maxWork);
  const exact = middle !== undefined;
  middle ??= [...new Array<Op>(midA.length).fill(DELETE), ...new Array<Op>(midB.length).fill(INSERT)];
  const ops: Op[] = [...new Array<Op>(prefix).fill(EQUAL), ...middle, ...new Array<Op>(suffix).fill(EQUAL)];
  return { ...hunksOf(a, b, ops, Math.max(0, opts.context)), exact };
}

function lineOf(op: DiffLine['op'], line: string): DiffLine {
  return line.endsWith('\n') ? { op, text: line.slice(0, -1) } : { op, text: line, noNewline: true };
}

/** Groups the ops into hunks: changes closer than 2·context unchanged lines share one. */
function hunksOf(a: string[], b: string[], ops: Op[], context: number): Omit<LineDiff, 'exact'> {
  // Positions (in a and b) before each op, so a hunk knows where it starts.
  const posA = new Int32Array(ops.length + 1);
  const posB = new Int32Array(ops.length + 1);
  let added = 0;
  let removed = 0;
  ops.forEach((op, i) => {
    posA[i + 1] = (posA[i] ?? 0) + (op === INSERT ? 0 : 1);
    posB[i + 1] = (posB[i] ?? 0) + (op === DELETE ? 0 : 1);
    if (op === INSERT) added++;
    if (op === DELETE) removed++;
  });
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i] === EQUAL) {
      i++;
      continue;
    }
    const from = Math.max(0, i - context);
    let last = i;
    let j = i;
    // Extend while the next change is within 2·context equal lines of the last one.
    while (j < ops.length) {
      if (ops[j] !== EQUAL) {
        last = j;
        j++;
      } else if (j - last <= 2 * context) j++;
      else break;
    }
    const to = Math.min(ops.length, last + 1 + context);
    const lines: DiffLine[] = [];
    for (let k = from; k < to; k++) {
      const op = ops[k];
      if (op === INSERT) lines.push(lineOf('+', b[posB[k] ?? 0] as string));
      else lines.push(lineOf(op === DELETE ? '-' : ' ', a[posA[k] ?? 0] as string));
    }
    const beforeCount = (posA[to] ?? 0) - (posA[from] ?? 0);
    const afterCount = (posB[to] ?? 0) - (posB[from] ?? 0);
    hunks.push({
      // diff -u names the line before an empty side (0 for the start of the file).
      beforeStart: (posA[from] ?? 0) + (beforeCount > 0 ? 1 : 0),
      beforeCount,
      afterStart: (posB[from] ?? 0) + (afterCount > 0 ? 1 : 0),
      afterCount,
      lines,
    });
    i = to;
  }
  return { hunks, added, removed };
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);

/** The diff as `diff -u` text: ---/+++ header, then each hunk; empty when nothing changed. */
export function renderUnified(diff: LineDiff, names: { before: string; after: string }): string {
  if (diff.hunks.length === 0) return '';
  const out = [`--- ${names.before}`, `+++ ${names.after}`];
  for (const h of diff.hunks) {
    out.push(`@@ -${range(h.beforeStart, h.beforeCount)} +${range(h.afterStart, h.afterCount)} @@`);
    for (const line of h.lines) {
      out.push(`${line.op}${line.text}`);
      if (line.noNewline) out.push('\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}
