/**
 * The push preview against real brokers and in-process simulated remotes (the same agent pipeline as a
 * real remote): after v1 of a zone reached some, a preview of v2 says changed (with the diff) on those,
 * new on the others, unreachable for one that said goodbye (offline) and one that went silent (timeout),
 * error for one without DNS; unchanged when the same text is previewed; removed / absent for a delete; a
 * scope likewise. Nothing a preview does is pushed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { DhcpScope } from '../../src-shared/config/scope';
import { renderUnified } from '../../src-shared/config/line-diff';
import { previewPush } from '../../src-main/core/push/preview';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { fleetZoneText, previewPort, startPushConsole, type PushConsole } from '../helpers/push-console';

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let pc: PushConsole | undefined;
let dbDir = '';

/** r-0001 … r-0009: roles cycle ddi (index % 3 = 0), dns (1), dhcp (2). */
const N = 9;
const zone = { kind: 'zone' as const, name: 'fleet.test' };
const port = () => previewPort(pc as PushConsole);
const ids = (...list: string[]) => ({ kind: 'ids' as const, ids: list });
const applied = (pushId: string, n: number) =>
  waitFor(`${n} applied`, () => pc?.engine.progress(pushId).summary.counts.applied === n, 30_000, 50);
const status = (rid: string) => pc?.core.fleet.selectable().find((r) => r.id === rid)?.status;

let dns: string[] = [];
let dhcp: string[] = [];
let noDns = '';

beforeAll(async () => {
  lab = await startLab();
  dbDir = await mkdtemp(join(tmpdir(), 'smt-preview-db-'));
  sim = await createSimulation({
    remotes: N,
    lab: lab.opts,
    statsIntervalMs: 60_000,
    presenceIntervalMs: 5_000,
  });
  await sim.start();
  pc = await startPushConsole(lab.opts, join(dbDir, 'console.db'));
  await waitFor(
    `the hello of all ${N} remotes`,
    () => pc?.core.fleet.selectable().filter((r) => r.capabilities.length > 0).length === N,
    60_000,
    100,
  );
  const fleet = [...pc.core.fleet.selectable()].sort((p, q) => (p.id < q.id ? -1 : 1));
  dns = fleet.filter((r) => r.capabilities.includes('dns')).map((r) => r.id);
  dhcp = fleet.filter((r) => r.capabilities.includes('dhcp4')).map((r) => r.id);
  noDns = fleet.find((r) => !r.capabilities.includes('dns'))?.id ?? '';
  expect(dns.length).toBeGreaterThanOrEqual(5);
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  await pc?.stop();
  await lab?.stop();
  if (dbDir) await rm(dbDir, { recursive: true, force: true });
});

describe('push preview', () => {
  it('says per remote what a zone push would change, and why a remote could not say', async () => {
    const [a, b, c, silent, gone] = dns as [string, string, string, string, string];
    const v1 = pc?.engine.push({
      object: zone,
      payload: { format: 'zone-text', text: fleetZoneText(1) },
      selector: ids(a, b),
      author: 'preview test',
    });
    await applied(v1?.push.id ?? '', 2);

    // One says goodbye (the fleet marks it offline); one drops its connection without a word (still
    // online in the fleet until its presence lapses, so it is asked and does not answer).
    await sim?.get(gone)?.stop();
    await waitFor(`${gone} offline`, () => status(gone) === 'offline', 20_000);
    await sim?.get(silent)?.conn.stop(0);

    const started = performance.now();
    const preview = await previewPush(
      {
        object: zone,
        payload: { format: 'zone-text', text: fleetZoneText(2) },
        selector: ids(a, b, c, silent, gone, noDns),
      },
      port(),
      { timeoutMs: 3_000 },
    );
    console.log(
      `preview of 6 remotes (one timing out after 3 s) in ${Math.round(performance.now() - started)} ms`,
    );
    expect(preview.proposedVersion).toBe(2);
    const byRemote = Object.fromEntries(preview.remotes.map((r) => [r.remote, r]));
    expect(byRemote[a]).toMatchObject({ status: 'changed', servedVersion: 1 });
    expect(byRemote[b]).toMatchObject({ status: 'changed', servedVersion: 1 });
    expect(byRemote[c]).toMatchObject({ status: 'new', servedVersion: null });
    expect(byRemote[silent]).toMatchObject({ status: 'unreachable', unreachable: 'timeout' });
    expect(byRemote[gone]).toMatchObject({ status: 'unreachable', unreachable: 'offline' });
    expect(byRemote[noDns]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/named is not installed/),
    });
    expect(preview.counts).toMatchObject({ changed: 2, new: 1, unreachable: 2, error: 1 });
    expect(preview.diffs).toHaveLength(1);
    const [diff] = preview.diffs;
    expect(diff?.remotes).toEqual([a, b]);
    expect(
      renderUnified(diff ?? { hunks: [], added: 0, removed: 0, exact: true }, {
        before: 'served',
        after: 'v2',
      }),
    ).toBe(
      [
        '--- served',
        '+++ v2',
        '@@ -1,5 +1,5 @@',
        ' $TTL 300',
        '-@ IN SOA ns1 hostmaster 1 3600 600 86400 300',
        '+@ IN SOA ns1 hostmaster 2 3600 600 86400 300',
        ' @ IN NS ns1',
        ' ns1 IN A 192.0.2.53',
        '-www IN A 192.0.2.1',
        '+www IN A 192.0.2.2',
        '',
      ].join('\n'),
    );
    // A preview pushes nothing.
    expect(pc?.push.store.maxVersion(zone)).toBe(1);
  }, 60_000);

  it('says unchanged where a remote serves the text as proposed, and previews a delete', async () => {
    const [a, b, c] = dns as [string, string, string];
    const same = await previewPush(
      { object: zone, payload: { format: 'zone-text', text: fleetZoneText(1) }, selector: ids(a, b, c) },
      port(),
    );
    expect(same.remotes.map((r) => r.status)).toEqual([a, b, c].map((r) => (r === c ? 'new' : 'unchanged')));
    expect(same.diffs).toEqual([]);

    const del = await previewPush({ object: zone, op: 'delete', selector: ids(a, c) }, port());
    expect(del.remotes.map((r) => r.status)).toEqual(['removed', 'absent']);
    expect(del.diffs[0]).toMatchObject({ added: 0, removed: 5, remotes: [a] });
  }, 60_000);

  it('previews a scope change as a diff of its rendered lines', async () => {
    const away = new Set(dns.slice(3, 5));
    const [x, y] = dhcp.filter((id) => !away.has(id)) as [string, string];
    const scope = (end: string) =>
      DhcpScope.parse({
        subnet: '10.20.0.0/24',
        id: 20,
        pools: [{ start: '10.20.0.10', end }],
        options: [{ name: 'routers', data: '10.20.0.1' }],
      });
    const object = { kind: 'scope' as const, subnet: '10.20.0.0/24' };
    const v1 = pc?.engine.push({
      object,
      payload: { format: 'kea-subnet4', scope: scope('10.20.0.99') },
      selector: ids(x),
      author: 'preview test',
    });
    await applied(v1?.push.id ?? '', 1);
    const preview = await previewPush(
      { object, payload: { format: 'kea-subnet4', scope: scope('10.20.0.199') }, selector: ids(x, y) },
      port(),
    );
    expect(preview.remotes.map((r) => [r.remote, r.status, r.servedVersion])).toEqual([
      [x, 'changed', 1],
      [y, 'new', null],
    ]);
    expect(preview.diffs[0]?.hunks[0]?.lines).toEqual([
      { op: ' ', text: 'subnet 10.20.0.0/24' },
      { op: ' ', text: 'id 20' },
      { op: '-', text: 'pool 10.20.0.10-10.20.0.99' },
      { op: '+', text: 'pool 10.20.0.10-10.20.0.199' },
      { op: ' ', text: 'option routers 10.20.0.1' },
    ]);
  }, 60_000);
});
