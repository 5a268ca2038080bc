/**
 * The push engine on the lab's five real remotes (lab/real-remotes.ts: named and kea-dhcp4 each with its
 * own `smt-agent run`): a zone to the three that serve DNS and a scope to the three that serve DHCP, each
 * previewed first and sent with a canary of one; a canary whose Kea refuses a scope, one whose Kea
 * cannot save it, and one whose named will not load a zone (the agent rolls both back), halt the rollout
 * before anyone else gets it, as the agents' ledgers on disk confirm; then a new version of the zone goes
 * through `smt push … --wait` on the same database (a console restart), and a version the canary's named
 * will not load makes `smt push --wait` exit non-zero with the canary's reason. What
 * each server serves is read outside the agent — dig for the SOA serial and a record, Kea's own
 * config-get for the subnet — not taken from the agent's word.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labConsolePassphrase } from '../../lab/lab';
import { startRealRemotes, stopRealRemotes, type RealRemote } from '../../lab/real-remotes';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { Exit } from '../../src-main/cli/args';
import { previewPush } from '../../src-main/core/push/preview';
import { waitFor } from '../../src-node/smt/testing/wait';
import type { DhcpScope } from '../../src-shared/config/scope';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { stopCountingLeftovers } from '../helpers/real-remotes';
import {
  fleetZoneText,
  ledgerFileLines,
  previewPort,
  startPushConsole,
  type PushConsole,
} from '../helpers/push-console';
import { runSmt } from '../helpers/smt-cli';

const exec = promisify(execFile);

const ZONE = 'real.test';
const zone = { kind: 'zone' as const, name: ZONE };
const scope: DhcpScope = {
  subnet: '192.0.2.0/24',
  id: 7,
  pools: [{ start: '192.0.2.100', end: '192.0.2.199' }],
  options: [{ name: 'routers', data: '192.0.2.1' }],
  reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '192.0.2.10' }],
};
const DNS = ['real-01', 'real-03', 'real-04'];
/**
 * real-01, the DNS canary, runs named with a TTL limit: a zone with a longer TTL passes named-checkzone
 * (the agent's check before it installs) but named refuses to load it, a real failure after apply.
 */
const MAX_ZONE_TTL = 300;
/** The zone the push tests send at `serial`, with a TTL over the canary's limit. */
const overlongTtlZone = (serial: number) =>
  fleetZoneText(serial).replace(`$TTL ${MAX_ZONE_TTL}`, `$TTL ${MAX_ZONE_TTL * 2}`);
const DHCP = ['real-02', 'real-03', 'real-05'];
const cap = (c: 'dns' | 'dhcp4') => ({ kind: 'filter' as const, status: 'any' as const, capabilities: [c] });

let lab: LabFixture | undefined;
let pc: PushConsole | undefined;
let remotes: RealRemote[] = [];
let dir = '';

const engine = () => (pc as PushConsole).engine;
const remote = (id: string) => remotes.find((r) => r.remoteId === id) as RealRemote;
const port = () => previewPort(pc as PushConsole);

/** What a remote's named answers, asked directly on its port. */
async function dig(id: string, name: string, type: 'A' | 'SOA'): Promise<string[]> {
  const p = String(remote(id).bind?.port);
  const { stdout } = await exec('dig', ['@127.0.0.1', '-p', p, '+short', '+time=2', '+tries=1', name, type]);
  return stdout.split('\n').filter(Boolean);
}

/** The subnets a remote's kea-dhcp4 runs, asked on its own control socket. */
async function keaSubnets(id: string): Promise<unknown[]> {
  const answer = await keaCommand(remote(id).kea?.socketPath ?? '', 'config-get', undefined, 5000);
  return (answer.arguments as { Dhcp4: { subnet4: unknown[] } }).Dhcp4.subnet4;
}

/** Every delivery of the push applied, with the agent's report of what it was in the failure message. */
async function allApplied(pushId: string, targets: string[]): Promise<void> {
  await waitFor(
    `every target of ${pushId} applied`,
    () => engine().progress(pushId).summary.counts.applied === targets.length,
    60_000,
    100,
  ).catch((e: unknown) => {
    const states = [...engine().deliveries(pushId)].map(([rid, d]) => `${rid}: ${JSON.stringify(d)}`);
    throw new Error(`${String(e)}; deliveries: ${states.join('; ')}`);
  });
  expect([...engine().deliveries(pushId)].map(([rid, d]) => [rid, d.kind]).sort()).toEqual(
    targets.map((rid) => [rid, 'applied']),
  );
}

/** The SOA serial each DNS remote's named answers with for the zone, asked with dig. */
const servedSerials = () =>
  Promise.all(DNS.map(async (id) => [id, (await dig(id, ZONE, 'SOA'))[0]?.split(' ')[2]]));

/** The ledger lines each DNS remote's agent wrote on disk for one version of the zone. */
const ledgersAt = (version: number) =>
  Promise.all(
    DNS.map(async (id) => [
      id,
      (await ledgerFileLines(join(remote(id).dir, 'state'))).filter(
        (l) => l.object === `zone:${ZONE}` && l.version === version,
      ),
    ]),
  );

/** The push's progress once its rollout halted. */
const haltedProgress = (pushId: string) =>
  waitFor(
    'the rollout to halt',
    () => {
      const p = engine().progress(pushId);
      return p.state === 'halted' ? p : undefined;
    },
    60_000,
    100,
  );

/** `smt push zone FILE --to cap:dns --canary 1 --wait` on this test's database, `text` written as FILE. */
async function smtPushZone(fileName: string, text: string, ...flags: string[]) {
  const file = join(dir, fileName);
  await writeFile(file, `$ORIGIN ${ZONE}.\n${text}`);
  const passphrase = await labConsolePassphrase(lab?.opts);
  return runSmt(
    { lab: lab?.opts, db: join(dir, 'console.db'), passphrase },
    'push',
    'zone',
    file,
    '--to',
    'cap:dns',
    '--canary',
    '1',
    '--wait',
    ...flags,
  );
}

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-real-push-'));
  // Before the agents: the console's inventory queue exists once someone reads it.
  pc = await startPushConsole(lab.opts, join(dir, 'console.db'));
  remotes = await startRealRemotes(lab.opts, 5, {
    namedOptions: { 'real-01': `max-zone-ttl ${MAX_ZONE_TTL};` },
  });
  await waitFor(
    'the hello of the five real remotes',
    () => pc?.core.fleet.selectable().filter((r) => r.capabilities.length > 0).length === 5,
    30_000,
    100,
  );
}, 240_000);

afterAll(async () => {
  await stopRealRemotes(remotes);
  await pc?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('the push engine on real servers', () => {
  it('previews, then applies a zone on every real named, as dig shows', async () => {
    const payload = { format: 'zone-text' as const, text: fleetZoneText(1) };
    const preview = await previewPush({ object: zone, payload, selector: cap('dns') }, port());
    expect(preview.remotes.map((e) => [e.remote, e.status])).toEqual(DNS.map((id) => [id, 'new']));
    for (const id of DNS) expect(await dig(id, ZONE, 'SOA')).toEqual([]);

    const { push, unknown } = engine().push({
      object: zone,
      payload,
      selector: cap('dns'),
      canary: 1,
      author: 'real push test',
    });
    expect(unknown).toEqual([]);
    expect(push.targets).toEqual(DNS);
    // The canary alone is sent first; the rest follow once it applied.
    expect([...engine().deliveries(push.id).keys()]).toEqual(['real-01']);
    await allApplied(push.id, DNS);
    for (const id of DNS) {
      expect((await dig(id, ZONE, 'SOA'))[0]?.split(' ')[2], id).toBe('1');
      expect(await dig(id, `www.${ZONE}`, 'A'), id).toEqual(['192.0.2.1']);
    }
  }, 90_000);

  it('previews, then applies a scope on every real kea-dhcp4, as its config-get shows', async () => {
    const payload = { format: 'kea-subnet4' as const, scope };
    const object = { kind: 'scope' as const, subnet: scope.subnet };
    const preview = await previewPush({ object, payload, selector: cap('dhcp4') }, port());
    expect(preview.remotes.map((e) => [e.remote, e.status])).toEqual(DHCP.map((id) => [id, 'new']));

    const { push } = engine().push({
      object,
      payload,
      selector: cap('dhcp4'),
      canary: 1,
      author: 'real push test',
    });
    expect(push.targets).toEqual(DHCP);
    await allApplied(push.id, DHCP);
    for (const id of DHCP) {
      expect(await keaSubnets(id), id).toEqual([
        expect.objectContaining({
          id: 7,
          subnet: '192.0.2.0/24',
          pools: [expect.objectContaining({ pool: '192.0.2.100-192.0.2.199' })],
          reservations: [
            expect.objectContaining({ 'hw-address': '52:54:00:12:34:56', 'ip-address': '192.0.2.10' }),
          ],
        }),
      ]);
    }
    // Read back from each Kea, the scope renders as pushed: a second preview finds nothing to change.
    const again = await previewPush({ object, payload, selector: cap('dhcp4') }, port());
    expect(again.remotes.map((e) => [e.remote, e.status, e.servedVersion])).toEqual(
      DHCP.map((id) => [id, 'unchanged', 1]),
    );
  }, 90_000);

  it('halts a canary rollout when the canary’s Kea refuses the scope, and sends it to no other', async () => {
    // real-02, the first DHCP remote and so the canary, alone serves 198.51.100.0/24: Kea refuses the
    // overlapping /25 there, while real-03 and real-05 would have taken it.
    const wide = { subnet: '198.51.100.0/24', id: 8, pools: [], options: [], reservations: [] };
    const first = engine().push({
      object: { kind: 'scope', subnet: wide.subnet },
      payload: { format: 'kea-subnet4', scope: wide },
      selector: { kind: 'ids', ids: ['real-02'] },
      author: 'real push test',
    });
    await allApplied(first.push.id, ['real-02']);
    const before = await Promise.all(DHCP.map(keaSubnets));

    const narrow = { subnet: '198.51.100.0/25', id: 9, pools: [], options: [], reservations: [] };
    const { push } = engine().push({
      object: { kind: 'scope', subnet: narrow.subnet },
      payload: { format: 'kea-subnet4', scope: narrow },
      selector: cap('dhcp4'),
      canary: 1,
      author: 'real push test',
    });
    const halted = await haltedProgress(push.id);
    expect(halted.haltReason).toMatch(/^canary real-02 failed: .*(overlap|198\.51\.100\.0\/24)/i);
    expect(halted.step).toMatchObject({ kind: 'halted', remote: 'real-02', notSent: ['real-03', 'real-05'] });
    expect(halted.summary.counts).toMatchObject({ applied: 0, failed: 1, held: 2 });
    expect([...engine().deliveries(push.id).keys()]).toEqual(['real-02']);
    // Every Kea runs what it ran before: the canary kept its old config, the others never heard of it.
    expect(await Promise.all(DHCP.map(keaSubnets))).toEqual(before);
  }, 90_000);

  it('halts a canary rollout when the canary’s Kea cannot keep the scope and rolls it back', async () => {
    const file = remote('real-02').kea?.configFile ?? '';
    const before = await Promise.all(DHCP.map(keaSubnets));
    // A directory where the canary's Kea config file was: config-set takes the new scope, config-write
    // fails, and the agent puts the previous config back.
    await rename(file, `${file}.aside`);
    await mkdir(file);
    try {
      const { push } = engine().push({
        object: { kind: 'scope', subnet: scope.subnet },
        payload: {
          format: 'kea-subnet4',
          scope: { ...scope, pools: [{ start: '192.0.2.50', end: '192.0.2.60' }] },
        },
        selector: cap('dhcp4'),
        canary: 1,
        author: 'real push test',
      });
      const halted = await haltedProgress(push.id);
      expect(halted.haltReason).toMatch(
        /^canary real-02 rolled-back: Kea config-write: .+; the previous config was restored/,
      );
      expect(halted.summary.counts).toMatchObject({ applied: 0, 'rolled-back': 1, held: 2 });
      expect([...engine().deliveries(push.id).keys()]).toEqual(['real-02']);
    } finally {
      await rm(file, { recursive: true });
      await rename(`${file}.aside`, file);
    }
    // Seen from outside the agent: every Kea runs the scope as it was before.
    expect(await Promise.all(DHCP.map(keaSubnets))).toEqual(before);
  }, 90_000);

  it('halts a canary rollout when the canary’s named will not load the zone: rolled back, sent to no other', async () => {
    expect(fleetZoneText(2)).toContain(`$TTL ${MAX_ZONE_TTL}\n`);
    expect(await servedSerials()).toEqual(DNS.map((id) => [id, '1']));
    const { push } = engine().push({
      object: zone,
      payload: { format: 'zone-text', text: overlongTtlZone(2) },
      selector: cap('dns'),
      canary: 1,
      author: 'real push test',
    });
    const halted = await haltedProgress(push.id);
    expect(halted.haltReason).toMatch(
      /^canary real-01 rolled-back: .*did not serve serial 2 for real\.test .*the previous zone was restored: named serves serial 1 again/,
    );
    expect(halted.step).toMatchObject({ kind: 'halted', remote: 'real-01', notSent: ['real-03', 'real-04'] });
    expect(halted.summary.counts).toMatchObject({ applied: 0, 'rolled-back': 1, held: 2 });
    const deliveries = [...engine().deliveries(push.id)];
    expect(deliveries.map(([rid, d]) => [rid, d.kind])).toEqual([['real-01', 'rolled-back']]);
    // Exactly once, as each agent wrote it on disk: the canary's one line is the console's one attempt,
    // and the held remotes never saw the version at all.
    const smtId = deliveries[0]?.[1].smtId;
    expect(await ledgersAt(push.version)).toEqual([
      ['real-01', [expect.objectContaining({ id: smtId, state: 'rolled-back' })]],
      ['real-03', []],
      ['real-04', []],
    ]);
    // Seen from outside the agents: every named still answers with version 1 of the zone.
    expect(await servedSerials()).toEqual(DNS.map((id) => [id, '1']));
    for (const id of DNS) expect(await dig(id, `www.${ZONE}`, 'A'), id).toEqual(['192.0.2.1']);
  }, 90_000);

  it('pushes the next zone version through `smt push zone --wait` on the same database', async () => {
    // One console on the database at a time: the CLI takes over as a restarted console would.
    await pc?.stop();
    pc = undefined;
    const run = await smtPushZone('real.zone', fleetZoneText(2), '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { targets: string[]; deliveries: { state: string }[] };
    expect(out.targets).toEqual(DNS);
    expect(out.deliveries.map((d) => d.state)).toEqual(DNS.map(() => 'applied'));
    for (const id of DNS) {
      expect((await dig(id, ZONE, 'SOA'))[0]?.split(' ')[2], id).toBe('2');
      expect(await dig(id, `www.${ZONE}`, 'A'), id).toEqual(['192.0.2.2']);
    }
  }, 120_000);

  it('exits non-zero from `smt push zone --wait` with the canary’s reason when its named will not load the zone', async () => {
    const run = await smtPushZone('real-ttl.zone', overlongTtlZone(3));
    expect(run.code, run.stderr).toBe(Exit.halted);
    expect(run.stderr).toMatch(/canary halted: canary real-01 rolled-back: .*named serves serial 2 again/);
    expect(await servedSerials()).toEqual(DNS.map((id) => [id, '2']));
  }, 120_000);

  it('stops every agent, named and kea-dhcp4 by PID, leaving none running', async () => {
    expect(await stopCountingLeftovers(remotes)).toEqual({ pids: 5 + 3 + 3, alive: [] });
    remotes = [];
  }, 60_000);
});
