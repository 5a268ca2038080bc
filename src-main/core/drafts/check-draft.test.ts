import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import type { Draft } from '../../../src-shared/ipc/draft-views';
import type { ServedConfig } from '../../../src-shared/protocol';
import { QueryTimeoutError } from '../queries';
import type { PushRecord } from '../store/push-store';
import { checkDraft, DraftNotCheckable, type CheckPort } from './check-draft';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const zone = (serial: number, ip: string) =>
  `$ORIGIN example.test.\n@ 300 IN SOA ns1 admin ${serial} 3600 600 86400 300\n@ 300 IN NS ns1\nns1 300 IN A ${ip}\n`;
const object = { kind: 'zone' as const, name: 'example.test' };
const remote = (id: string): SelectableRemote => ({
  id,
  status: 'online',
  tags: [],
  capabilities: ['dns'],
  hostname: id,
});

const v2 = zone(2, '192.0.2.2');
const v3 = zone(3, '192.0.2.3');
const proposed = zone(4, '192.0.2.9');

const draft = (over: Partial<Draft> = {}): Draft => ({
  id: 'd-abcdef12',
  name: 'renumber ns1',
  object,
  content: { format: 'zone-text', text: proposed },
  targets: 'r-1,r-2,r-3,r-4,r-5',
  base: { version: 2, text: v2 },
  createdAt: 1,
  updatedAt: 1,
  author: 'alice',
  problems: [],
  ...over,
});

type Answer = { text: string | null; version: number | null } | 'silent';

/** Remotes answer from a table; the push store knows versions 2 and 3 as this profile pushed them. */
function port(answers: Record<string, Answer>): CheckPort {
  const pushes: Record<number, string> = { 2: v2, 3: v3 };
  return {
    remotes: () => Object.keys(answers).map(remote),
    maxVersion: () => 3,
    pushAt: (_o, version) =>
      pushes[version] === undefined
        ? undefined
        : ({ payload: { format: 'zone-text', text: pushes[version] } } as PushRecord),
    query: async (rid, body, { timeoutMs }) => {
      const a = answers[rid] as Answer;
      if (a === 'silent') throw new QueryTimeoutError(rid, timeoutMs);
      if (body.query !== 'config') throw new Error('only config queries');
      const served: ServedConfig = {
        object,
        served: a.text !== null,
        version: a.version,
        text: a.text !== null && sha256(a.text) === body.unlessSha256 ? null : a.text,
        sha256: a.text === null ? null : sha256(a.text),
      };
      return { ok: true, data: served };
    },
  };
}

describe('checkDraft', () => {
  it('names a conflict where the served version moved past the base, with both diffs', async () => {
    const check = await checkDraft(
      draft(),
      port({
        'r-1': { text: v2, version: 2 },
        'r-2': { text: v3, version: 3 },
        'r-3': { text: null, version: null },
        'r-4': 'silent',
        'r-5': { text: proposed, version: 4 },
      }),
      99,
      { timeoutMs: 50 },
    );
    expect(check).toMatchObject({ draftId: 'd-abcdef12', baseVersion: 2, checkedAt: 99, conflicts: 1 });
    expect(check.remotes.map((r) => [r.remote, r.status, r.servedVersion])).toEqual([
      ['r-1', 'current', 2],
      ['r-2', 'conflict', 3],
      ['r-3', 'not-served', null],
      ['r-4', 'unreachable', null],
      ['r-5', 'current', 4],
    ]);
    const conflict = check.remotes[1] as (typeof check.remotes)[number];
    expect(conflict?.reason).toBe('the draft was based on version 2');
    const changed = (d: typeof conflict.sinceBase) =>
      d?.hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.text}`));
    expect(changed(conflict?.sinceBase ?? null), 'what changed on the remote since the base').toEqual([
      '-@ 300 IN SOA ns1 admin 2 3600 600 86400 300',
      '+@ 300 IN SOA ns1 admin 3 3600 600 86400 300',
      '-ns1 300 IN A 192.0.2.2',
      '+ns1 300 IN A 192.0.2.3',
    ]);
    expect(changed(conflict?.overwrite ?? null), 'what the push would overwrite').toEqual([
      '-@ 300 IN SOA ns1 admin 3 3600 600 86400 300',
      '+@ 300 IN SOA ns1 admin 4 3600 600 86400 300',
      '-ns1 300 IN A 192.0.2.3',
      '+ns1 300 IN A 192.0.2.9',
    ]);
    expect(conflict?.overwrite).toMatchObject({ added: 2, removed: 2 });
    expect(check.remotes[4]?.reason).toBe('it already serves exactly what the draft proposes');
  });

  it('cannot say what it does not know: no base text gives no since-base diff', async () => {
    const check = await checkDraft(
      draft({ base: { version: 1, text: null } }),
      port({ 'r-2': { text: v3, version: 3 } }),
      1,
    );
    expect(check.remotes[0]).toMatchObject({ status: 'conflict', sinceBase: null, overwrite: { added: 2 } });
  });

  it('refuses a draft with problems or with targets that name nothing', async () => {
    await expect(
      checkDraft(draft({ problems: [{ path: 'text', message: 'the zone text is empty' }] }), port({}), 1),
    ).rejects.toThrow(
      new DraftNotCheckable(
        'The draft has 1 problem(s) (first: text: the zone text is empty); fix them, then check again.',
      ),
    );
    await expect(checkDraft(draft({ targets: '' }), port({}), 1)).rejects.toThrow(/do not name remotes/);
  });
});
