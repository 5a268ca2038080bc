import { describe, expect, it } from 'vitest';
import { diffLines, renderUnified, splitLines, type LineDiff } from './line-diff';

/** Rebuilds `after` from `before` and the hunks alone: the property every diff must have. */
function apply(before: string, diff: LineDiff): string {
  const a = splitLines(before);
  const out: string[] = [];
  let next = 0;
  for (const h of diff.hunks) {
    const start = h.beforeCount === 0 ? h.beforeStart : h.beforeStart - 1;
    while (next < start) out.push(a[next++] as string);
    for (const l of h.lines) {
      const line = l.noNewline ? l.text : `${l.text}\n`;
      if (l.op === '+') out.push(line);
      else {
        if (a[next] !== line) throw new Error(`hunk does not match before at line ${next + 1}`);
        if (l.op === ' ') out.push(line);
        next++;
      }
    }
  }
  while (next < a.length) out.push(a[next++] as string);
  return out.join('');
}

/** A small seeded generator (mulberry32): failures reproduce from the printed seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

describe('diffLines', () => {
  it.each([
    ['equal texts', lines('a', 'b'), lines('a', 'b'), 0, 0],
    ['both empty', '', '', 0, 0],
    ['from empty', '', lines('a', 'b'), 2, 0],
    ['to empty', lines('a', 'b'), '', 0, 2],
    ['one line changed', lines('a', 'b', 'c'), lines('a', 'x', 'c'), 1, 1],
    ['insert in the middle', lines('a', 'c'), lines('a', 'b', 'c'), 1, 0],
    ['delete at the end', lines('a', 'b', 'c'), lines('a', 'b'), 0, 1],
    ['final newline added', 'a\nb', 'a\nb\n', 1, 1],
    [
      'minimal, not greedy',
      lines('a', 'b', 'c', 'a', 'b', 'b', 'a'),
      lines('c', 'b', 'a', 'b', 'a', 'c'),
      2,
      3,
    ],
  ])('%s', (_name, before, after, added, removed) => {
    const d = diffLines(before, after);
    expect({ added: d.added, removed: d.removed, exact: d.exact }).toEqual({ added, removed, exact: true });
    expect(apply(before, d)).toBe(after);
    expect(d.hunks.length === 0).toBe(before === after);
  });

  it('renders hunks with context like diff -u', () => {
    const before = lines('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12');
    const after = lines('1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11', '12', '13');
    expect(renderUnified(diffLines(before, after), { before: 'r-0001 v3', after: 'v4' })).toBe(
      [
        '--- r-0001 v3',
        '+++ v4',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        '@@ -10,3 +10,4 @@',
        ' 10',
        ' 11',
        ' 12',
        '+13',
        '',
      ].join('\n'),
    );
  });

  it('joins changes closer than twice the context into one hunk', () => {
    const before = lines('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const after = lines('a', 'B', 'c', 'd', 'e', 'f', 'G', 'h');
    expect(diffLines(before, after).hunks).toHaveLength(1);
    expect(diffLines(before, after, { context: 1 }).hunks).toHaveLength(2);
  });

  it('marks a missing final newline and numbers an empty side from 0', () => {
    expect(renderUnified(diffLines('', 'x'), { before: 'a', after: 'b' })).toBe(
      '--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n',
    );
  });

  it('renders nothing for equal texts', () => {
    expect(renderUnified(diffLines('a\n', 'a\n'), { before: 'a', after: 'b' })).toBe('');
  });

  it('property: applying the diff to before gives after (seeded random edits)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const alphabet = ['a', 'b', 'c', 'd', 'e'];
      const pick = () => alphabet[Math.floor(r() * alphabet.length)] as string;
      const base = Array.from({ length: Math.floor(r() * 30) }, pick);
      const edited = base.flatMap((l) => {
        const x = r();
        if (x < 0.15) return [];
        if (x < 0.3) return [l, pick()];
        if (x < 0.4) return [pick()];
        return [l];
      });
      const before = base.join('\n') + (r() < 0.5 ? '\n' : '');
      const after = edited.join('\n') + (r() < 0.5 ? '\n' : '');
      const d = diffLines(before, after, { context: Math.floor(r() * 4) });
      expect(apply(before, d), `seed ${seed}`).toBe(after);
      const counted = d.hunks.flatMap((h) => h.lines);
      expect(counted.filter((l) => l.op === '+').length, `seed ${seed}`).toBe(d.added);
      expect(counted.filter((l) => l.op === '-').length, `seed ${seed}`).toBe(d.removed);
      // Never worse than replacing everything.
      expect(d.added + d.removed).toBeLessThanOrEqual(splitLines(before).length + splitLines(after).length);
    }
  });

  it('property: the capped search still yields a correct whole-replace diff', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = rng(seed);
      const before = Array.from({ length: 50 }, () => `x${Math.floor(r() * 5)}`).join('\n');
      const after = Array.from({ length: 50 }, () => `x${Math.floor(r() * 5)}`).join('\n');
      const d = diffLines(before, after, { maxEdits: 3 });
      expect(apply(before, d), `seed ${seed}`).toBe(after);
    }
  });

  it('stays bounded on two 4 MB zones that share nothing', () => {
    const zone = (tag: string) =>
      Array.from({ length: 100_000 }, (_, i) => `host${i} 3600 IN A 10.${tag}.${i % 256}.1`).join('\n');
    const before = zone('1');
    const after = zone('2');
    expect(before.length).toBeGreaterThan(3_000_000);
    // Bounded by the search's caps, which this proves were hit (a whole replacement); how long that takes
    // is measured in line-diff.ts's header, not asserted here (docs/performance.md: tests assert no time).
    const d = diffLines(before, after);
    expect(d.exact).toBe(false);
    expect({ added: d.added, removed: d.removed }).toEqual({ added: 100_000, removed: 100_000 });
    expect(apply(before, d)).toBe(after);
  });

  it('finds a small change in a 4 MB zone exactly', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `host${i} 3600 IN A 10.0.${i % 256}.1`);
    const before = rows.join('\n');
    rows[50_000] = 'host50000 3600 IN A 192.0.2.1';
    rows.splice(70_000, 1);
    const d = diffLines(before, rows.join('\n'));
    expect({ added: d.added, removed: d.removed, exact: d.exact, hunks: d.hunks.length }).toEqual({
      added: 1,
      removed: 2,
      exact: true,
      hunks: 2,
    });
  });
});
