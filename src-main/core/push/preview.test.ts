import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DhcpScope } from '../../../src-shared/config/scope';
import { renderScope } from '../../../src-shared/config/scope-render';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import type { Body, ServedConfig } from '../../../src-shared/protocol';
import { PushPreview } from '../../../src-shared/push/preview';
import { QueryTimeoutError } from '../queries';
import { previewPush, type PreviewPort } from './preview';
import { PushRefused } from './plan';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const zone = (serial: number, ip: string) =>
  `$ORIGIN example.test.\n@ 300 IN SOA ns1 admin ${serial} 3600 600 86400 300\n@ 300 IN NS ns1\nns1 300 IN A ${ip}\n`;
const object = { kind: 'zone' as const, name: 'example.test' };

const remote = (id: string, status: SelectableRemote['status'] = 'online'): SelectableRemote => ({
  id,
  status,
  tags: [],
  capabilities: ['dns', 'dhcp4'],
  hostname: `${id}.lab`,
});

/** Each remote answers from this table: served text, an error, silence, or a broken answer. */
type Answer = { text: string | null; version?: number } | { error: string } | 'silent' | 'garbage';

function port(answers: Record<string, Answer>, fleet: SelectableRemote[], maxVersion = 3) {
  const asked: { rid: string; body: Body<'query'> }[] = [];
  let inFlight = 0;
  let peak = 0;
  const p: PreviewPort = {
    remotes: () => fleet,
    maxVersion: () => maxVersion,
    query: async (rid, body, { timeoutMs }) => {
      asked.push({ rid, body });
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      const a = answers[rid] ?? { text: null };
      if (a === 'silent') throw new QueryTimeoutError(rid, timeoutMs);
      if (a === 'garbage') return { ok: true, data: { nonsense: true } };
      if ('error' in a) return { ok: false, error: a.error };
      if (body.query !== 'config') throw new Error('only config queries');
      const served: ServedConfig = {
        object: body.object,
        served: a.text !== null,
        version: a.version ?? null,
        text: a.text !== null && sha256(a.text) === body.unlessSha256 ? null : a.text,
        sha256: a.text === null ? null : sha256(a.text),
      };
      return { ok: true, data: served };
    },
  };
  return { port: p, asked, peak: () => peak };
}

describe('previewPush', () => {
  const v1 = zone(1, '192.0.2.1');
  const v2 = zone(2, '192.0.2.2');

  it('classifies each target and shares one diff among remotes that serve the same text', async () => {
    const fleet = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7'].map((id) =>
      remote(id, id === 'r-6' ? 'offline' : 'online'),
    );
    const { port: p, asked } = port(
      {
        'r-1': { text: v1, version: 1 },
        'r-2': { text: v1, version: 1 },
        'r-3': { text: v2, version: 2 },
        'r-4': { text: null },
        'r-5': 'silent',
        'r-7': { error: 'zone: named is not installed or not configured on this remote' },
      },
      fleet,
    );
    const preview = PushPreview.parse(
      await previewPush(
        { object, payload: { format: 'zone-text', text: v2 }, selector: { kind: 'filter', status: 'any' } },
        p,
        { timeoutMs: 50 },
      ),
    );
    expect(preview).toMatchObject({
      op: 'upsert',
      proposedVersion: 4,
      proposedSha256: sha256(v2),
      unknown: [],
    });
    expect(preview.remotes.map((r) => [r.remote, r.status, r.servedVersion])).toEqual([
      ['r-1', 'changed', 1],
      ['r-2', 'changed', 1],
      ['r-3', 'unchanged', 2],
      ['r-4', 'new', null],
      ['r-5', 'unreachable', null],
      ['r-6', 'unreachable', null],
      ['r-7', 'error', null],
    ]);
    expect(preview.remotes.find((r) => r.remote === 'r-5')).toMatchObject({
      unreachable: 'timeout',
      reason: 'remote r-5 did not answer the query within 50 ms',
    });
    expect(preview.remotes.find((r) => r.remote === 'r-6')).toMatchObject({ unreachable: 'offline' });
    expect(preview.remotes.find((r) => r.remote === 'r-7')?.reason).toMatch(/named is not installed/);
    expect(preview.counts).toEqual({
      new: 1,
      changed: 2,
      unchanged: 1,
      removed: 0,
      absent: 0,
      unreachable: 2,
      error: 1,
    });
    // The offline remote is not asked; the others are asked to leave out a text equal to the proposal.
    expect(asked.map((a) => a.rid).sort()).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-7']);
    expect(asked[0]?.body).toEqual({ query: 'config', object, unlessSha256: sha256(v2) });
    expect(preview.diffs).toHaveLength(1);
    expect(preview.diffs[0]).toMatchObject({
      servedSha256: sha256(v1),
      remotes: ['r-1', 'r-2'],
      added: 2,
      removed: 2,
    });
    expect(preview.remotes[0]?.diff).toBe(sha256(v1));
  });

  it('previews a delete: removed where served (with what goes), absent where not', async () => {
    const { port: p } = port({ 'r-1': { text: v1, version: 1 }, 'r-2': { text: null } }, [
      remote('r-1'),
      remote('r-2'),
    ]);
    const preview = await previewPush(
      { object, op: 'delete', selector: { kind: 'ids', ids: ['r-1', 'r-2', 'r-9'] } },
      p,
    );
    expect(preview.remotes.map((r) => r.status)).toEqual(['removed', 'absent']);
    expect(preview.diffs[0]).toMatchObject({ added: 0, removed: 4 });
    expect(preview).toMatchObject({ proposedSha256: null, unknown: ['r-9'] });
  });

  it('compares a scope in its rendered form', async () => {
    const scope = DhcpScope.parse({
      subnet: '10.0.0.0/24',
      id: 1,
      pools: [{ start: '10.0.0.10', end: '10.0.0.20' }],
    });
    const next = DhcpScope.parse({ ...scope, pools: [{ start: '10.0.0.10', end: '10.0.0.30' }] });
    const { port: p } = port({ 'r-1': { text: renderScope(scope) }, 'r-2': { text: renderScope(next) } }, [
      remote('r-1'),
      remote('r-2'),
    ]);
    const preview = await previewPush(
      {
        object: { kind: 'scope', subnet: '10.0.0.0/24' },
        payload: { format: 'kea-subnet4', scope: next },
        selector: { kind: 'ids', ids: ['r-1', 'r-2'] },
        version: 9,
      },
      p,
    );
    expect(preview.remotes.map((r) => r.status)).toEqual(['changed', 'unchanged']);
    expect(preview.proposedVersion).toBe(9);
    expect(preview.diffs[0]?.hunks[0]?.lines).toEqual([
      { op: ' ', text: 'subnet 10.0.0.0/24' },
      { op: ' ', text: 'id 1' },
      { op: '-', text: 'pool 10.0.0.10-10.0.0.20' },
      { op: '+', text: 'pool 10.0.0.10-10.0.0.30' },
    ]);
  });

  it('says error for an answer that is not a config answer', async () => {
    const { port: p } = port({ 'r-1': 'garbage' }, [remote('r-1')]);
    const preview = await previewPush(
      { object, payload: { format: 'zone-text', text: v1 }, selector: { kind: 'ids', ids: ['r-1'] } },
      p,
    );
    expect(preview.remotes[0]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/^not a config answer/),
    });
  });

  it('asks at most `concurrency` remotes at once', async () => {
    const fleet = Array.from({ length: 40 }, (_, i) => remote(`r-${i}`));
    const { port: p, peak } = port({}, fleet);
    const preview = await previewPush(
      { object, payload: { format: 'zone-text', text: v1 }, selector: { kind: 'filter', status: 'any' } },
      p,
      { concurrency: 5 },
    );
    expect(preview.counts.new).toBe(40);
    expect(peak()).toBe(5);
  });

  it('refuses what the push would refuse', async () => {
    const { port: p } = port({}, [remote('r-1')]);
    const payload = { format: 'zone-text' as const, text: v1 };
    await expect(
      previewPush({ object, payload, selector: { kind: 'ids', ids: ['r-2'] } }, p),
    ).rejects.toThrow(new PushRefused('no target: the fleet does not know r-2'));
    await expect(previewPush({ object, selector: { kind: 'ids', ids: ['r-1'] } }, p)).rejects.toThrow(
      'an upsert push carries a payload',
    );
    await expect(
      previewPush({ object, payload, version: 3, selector: { kind: 'ids', ids: ['r-1'] } }, p),
    ).rejects.toThrow(/version 3 is not above version 3/);
  });
});
