import { describe, expect, it } from 'vitest';
import { diffLines } from '../../src-shared/config/line-diff';
import type { PushPreview } from '../../src-shared/push/preview';
import { Exit } from './args';
import { previewExit, previewText } from './preview';

const served = 'a'.repeat(64);
const remotes = Array.from({ length: 12 }, (_, i) => `r-${String(i + 1).padStart(2, '0')}`);

const preview = (extra: PushPreview['remotes'] = []): PushPreview => ({
  object: { kind: 'zone', name: 'example.test' },
  op: 'upsert',
  proposedVersion: 4,
  proposedSha256: 'b'.repeat(64),
  remotes: [
    ...remotes.map((remote) => ({
      remote,
      status: 'changed' as const,
      servedVersion: 3,
      servedSha256: served,
      diff: served,
    })),
    { remote: 'r-new', status: 'new', servedVersion: null, servedSha256: null, diff: null },
    ...extra,
  ],
  diffs: [{ servedSha256: served, ...diffLines('x\ny\n', 'x\nz\n'), remotes }],
  counts: {
    new: 1,
    changed: 12,
    unchanged: 0,
    removed: 0,
    absent: 0,
    unreachable: extra.length,
    error: 0,
  },
  unknown: [],
  timeoutMs: 5000,
});

describe('smt push --preview output', () => {
  it('prints a row per remote and each shared diff once, naming the first remotes that share it', () => {
    const text = previewText(preview());
    expect(text.split('\n').slice(0, 3)).toEqual([
      'preview: upsert zone example.test v4 on 13 remotes: 1 new, 12 changed',
      '',
      'REMOTE  STATUS   SERVED  DETAIL',
    ]);
    expect(text).toContain('r-01    changed  v3      diff 1');
    expect(text).toContain('r-new   new      -');
    expect(text.match(/^@@/gm)).toHaveLength(1);
    expect(text).toContain(
      'diff 1: r-01, r-02, r-03, r-04, r-05, r-06, r-07, r-08, r-09, r-10 and 2 more (12 remotes), +1 -1\n' +
        '--- zone example.test (served)\n+++ zone example.test v4 (proposed)\n@@ -1,2 +1,2 @@\n x\n-y\n+z',
    );
  });

  it('exits 0 when every target answered, 7 naming the first one that could not', () => {
    expect(previewExit(preview()).code).toBe(Exit.ok);
    const incomplete = previewExit(
      preview([
        {
          remote: 'r-off',
          status: 'unreachable',
          unreachable: 'offline',
          reason: 'offline in the fleet',
          servedVersion: null,
          servedSha256: null,
          diff: null,
        },
      ]),
    );
    expect(incomplete).toEqual({
      code: Exit.incomplete,
      reason:
        'preview incomplete: 1 of 14 remotes could not say what they serve (r-off: offline in the fleet)',
    });
  });
});
