/**
 * The served inventory of an agent in `run` mode on a real named and a real kea-dhcp4, through real
 * brokers: sent after the hello, and again when an admin changes what is served outside SMT — a zone file
 * edited by hand and `rndc reload`, a subnet changed through Kea's own control socket with config-set —
 * with the serial named answers and the same hashes the `config` query reports.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import type { Body } from '../../src-shared/protocol';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { startRealAgentBed, type RealAgentBed } from '../helpers/real-agent-bed';
import { sha256 } from '../../src-node/crypto/sha256';

const exec = promisify(execFile);
const RID = 'r-0502';
const ZONE = 'inventory.test';
let started: RealAgentBed | undefined;
const bed = (): RealAgentBed => {
  if (!started) throw new Error('the real agent bed did not start');
  return started;
};

const zoneText = (serial: number, www: string) =>
  `$TTL 60\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A ${www}\n`;
const scope: DhcpScope = {
  subnet: '198.51.100.0/24',
  id: 7,
  pools: [{ start: '198.51.100.100', end: '198.51.100.199' }],
  options: [{ name: 'routers', data: '198.51.100.1' }],
  reservations: [],
};

let version = 0;
const configBody = (
  object: Body<'config'>['object'],
  payload: Body<'config'>['payload'],
): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object,
  version: ++version,
  op: 'upsert',
  payload,
});

const zoneOf = (b: Body<'served'>) =>
  b.objects.find((o) => o.object.kind === 'zone' && o.object.name === ZONE);
const scopeOf = (b: Body<'served'>) =>
  b.objects.find((o) => o.object.kind === 'scope' && o.object.subnet === scope.subnet);

beforeAll(async () => {
  started = await startRealAgentBed({
    rid: RID,
    agent: (bind, kea) => ({
      statsIntervalMs: 5000,
      presenceIntervalMs: 2000,
      bind: bind.settings,
      // Short, so the test waits half a second for Kea's change, not the default 30 s.
      kea: { ...kea.settings, changePollMs: 500 },
    }),
    hellos: true,
  });
});

afterAll(async () => {
  await started?.stop();
});

describe('served inventory on real BIND and Kea', () => {
  it('is sent after the hello, with both servers readable and nothing served yet', async () => {
    const first = await bed().probe.waitServed(RID, () => true);
    expect(first.sources).toEqual([
      { service: 'kea-dhcp4', readable: true },
      { service: 'named', readable: true },
    ]);
    expect(first.objects).toEqual([]);
    const c = bed().probe;
    const hello = c.hellos.findIndex((e) => e.from === RID);
    const served = c.served.findIndex((e) => e.from === RID);
    expect(hello).toBeGreaterThanOrEqual(0);
    // Same queue, sent in this order: a console reads the hello first.
    expect(c.hellos[hello]?.ts).toBeLessThanOrEqual(c.served[served]?.ts ?? 0);
  });

  it('reports what a push applied, with the ledger version, the served serial and the config query hash', async () => {
    const z = configBody(
      { kind: 'zone', name: ZONE },
      { format: 'zone-text', text: zoneText(1, '192.0.2.1') },
    );
    const s = configBody({ kind: 'scope', subnet: scope.subnet }, { format: 'kea-subnet4', scope });
    expect(await bed().push(z)).toMatchObject({ state: 'applied' });
    expect(await bed().push(s)).toMatchObject({ state: 'applied' });
    const body = await bed().probe.waitServed(
      RID,
      (b) => zoneOf(b)?.version === z.version && scopeOf(b)?.version === s.version,
    );
    expect(zoneOf(body)).toMatchObject({ serial: 1, sha256: sha256(zoneText(1, '192.0.2.1')) });
    expect(scopeOf(body)?.sha256).toBe(sha256(renderScope(scope)));
    const config = await bed().probe.query(RID, {
      query: 'config',
      object: { kind: 'scope', subnet: scope.subnet },
    });
    expect(config).toMatchObject({ ok: true, data: { sha256: scopeOf(body)?.sha256 } });
  });

  it('notices a zone file edited by hand and loaded with rndc reload: new serial and hash, same version', async () => {
    const b = bed().bind;
    const before = await bed().probe.waitServed(RID, (x) => zoneOf(x)?.serial === 1);
    const edited = zoneText(2, '192.0.2.99');
    await writeFile(join(b.zoneDir, `${ZONE}.zone`), edited);
    await exec('rndc', ['-c', b.rndcConf, 'reload', ZONE]);
    const after = await bed().probe.waitServed(
      RID,
      (x) => zoneOf(x)?.serial === 2 && zoneOf(x)?.sha256 === sha256(edited),
    );
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(zoneOf(after)?.version).toBe(zoneOf(before)?.version);
    expect(zoneOf(after)?.since).toBeGreaterThan(zoneOf(before)?.since ?? Infinity);
    // The query answers the same inventory.
    const reply = await bed().probe.query(RID, { query: 'served' });
    expect(reply.ok && zoneOf(reply.data as Body<'served'>)).toMatchObject({
      serial: 2,
      sha256: sha256(edited),
    });
  });

  it('lists a zone named loads from its own files, from the statistics channel, with no hash', async () => {
    const b = bed().bind;
    const file = join(b.dir, 'local.test.db');
    await writeFile(file, zoneText(77, '192.0.2.77'));
    await exec('rndc', ['-c', b.rndcConf, 'addzone', 'local.test', `{ type primary; file "${file}"; };`]);
    const reply = await bed().probe.query(RID, { query: 'served' });
    const body = reply.ok ? (reply.data as Body<'served'>) : undefined;
    expect(body?.objects.find((o) => o.object.kind === 'zone' && o.object.name === 'local.test')).toEqual({
      object: { kind: 'zone', name: 'local.test' },
      version: null,
      serial: 77,
      sha256: null,
      since: expect.any(Number),
    });
    // The agent's own zone is still listed from its file, with its hash.
    expect(body && zoneOf(body)?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("notices a subnet changed through Kea's own control socket (config-set)", async () => {
    const k = bed().kea;
    const got = await keaCommand(k.socketPath, 'config-get', undefined, 5000);
    const config = got.arguments as { Dhcp4: { subnet4: { subnet: string; pools: unknown }[] } };
    delete (config as { hash?: unknown }).hash;
    const subnet = config.Dhcp4.subnet4.find((x) => x.subnet === scope.subnet);
    if (!subnet) throw new Error('the pushed subnet is not in config-get');
    subnet.pools = [{ pool: '198.51.100.50-198.51.100.60' }];
    const set = await keaCommand(k.socketPath, 'config-set', config, 5000);
    expect(set.result).toBe(0);
    const changed = sha256(
      renderScope({ ...scope, pools: [{ start: '198.51.100.50', end: '198.51.100.60' }] }),
    );
    const after = await bed().probe.waitServed(RID, (x) => scopeOf(x)?.sha256 === changed);
    expect(scopeOf(after)?.version).toBe(version);
  });
});
