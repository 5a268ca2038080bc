/**
 * The agent in `run` mode as an operator runs it (bin/smt-agent.mjs with a config file), against a real
 * named and a real kea-dhcp4 on loopback, with every exchange through real brokers over mutual TLS:
 * zones and scopes applied, refused with the validator's message while the old data keeps being served,
 * rolled back when the server does not take them, commands, queries, and host statistics and usage from
 * this machine.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import type { Body } from '../../src-shared/protocol';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startRealAgentBed, type RealAgentBed } from '../helpers/real-agent-bed';
import { sha256 } from '../../src-node/crypto/sha256';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const RID = 'r-0501';
let started: RealAgentBed | undefined;
const bed = (): RealAgentBed => {
  if (!started) throw new Error('the real agent bed did not start');
  return started;
};
let startedAt = 0;

const zoneText = (serial: number, www: string, extra = '') =>
  `$TTL 60\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A ${www}\n${extra}`;

let version = 0;
/** The last zone and scope applied, which a rolled-back push must leave served. */
let appliedZone: Body<'config'> | undefined;
let appliedScope: { body: Body<'config'>; scope: DhcpScope } | undefined;
const zoneBody = (name: string, text: string): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'zone', name },
  version: ++version,
  op: 'upsert',
  payload: { format: 'zone-text', text },
});

const scopeBody = (scope: DhcpScope): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'scope', subnet: scope.subnet },
  version: ++version,
  op: 'upsert',
  payload: { format: 'kea-subnet4', scope },
});

async function dig(name: string, rrtype = 'A'): Promise<string[]> {
  const port = String(bed().bind.port);
  const { stdout } = await exec('dig', [
    '@127.0.0.1',
    '-p',
    port,
    '+short',
    '+time=2',
    '+tries=1',
    name,
    rrtype,
  ]);
  return stdout.split('\n').filter(Boolean);
}

async function keaSubnets(): Promise<unknown> {
  const answer = await keaCommand(bed().kea.socketPath, 'config-get', undefined, 5000);
  return (answer.arguments as { Dhcp4: { subnet4: unknown[] } }).Dhcp4.subnet4;
}

async function command(body: Body<'command'>): Promise<Body<'result'>> {
  const c = bed().probe;
  const env = await c.command(RID, body);
  return c.waitResult(env.id, ['applied', 'failed']);
}

beforeAll(async () => {
  startedAt = Date.now();
  started = await startRealAgentBed({
    rid: RID,
    // A zone with a longer TTL passes named-checkzone but named refuses to load it: a real failed reload.
    bindOptions: 'max-zone-ttl 300;',
    agent: (bind, kea) => ({
      statsIntervalMs: 1000,
      presenceIntervalMs: 1000,
      tags: ['site:test'],
      bind: bind.settings,
      kea: kea.settings,
    }),
  });
});

afterAll(async () => {
  await started?.stop();
});

describe('agent run mode with real BIND and Kea', () => {
  it('refuses a broken config file field by field', async () => {
    const file = join(bed().work, 'bad.json');
    await writeFile(file, JSON.stringify({ remoteId: 'R 1', brokers: [], stateDir: 'state', kea: {} }));
    const failed = await exec(process.execPath, [
      join(root, 'bin', 'smt-agent.mjs'),
      'check',
      '--config',
      file,
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    for (const field of [
      'remoteId:',
      'brokers:',
      'tls:',
      'stateDir:',
      'kea.controlSocket:',
      'kea.configFile:',
    ]) {
      expect(failed?.stderr).toContain(field);
    }
  });

  it('says hello with this host, as the console re-learns it by query', async () => {
    const reply = await bed().probe.query(RID, { query: 'hello' });
    if (!reply.ok) throw new Error(reply.error);
    const hello = reply.data as unknown as Body<'hello'>;
    expect(hello.agent.mode).toBe('real');
    expect(hello.host.kernel).toBe(release());
    expect(hello.capabilities).toEqual(expect.arrayContaining(['dns', 'dhcp4']));
    expect(hello.tags).toEqual(['site:test']);
  });

  it('applies a new zone and a changed zone: dig answers the new records', async () => {
    const t1 = zoneText(1, '192.0.2.1');
    const r1 = await bed().push(zoneBody('agent.test', t1));
    expect(r1).toMatchObject({ state: 'applied' });
    // The SHA-256 of what is served: the zone file as installed.
    expect(r1.sha256).toBe(sha256(t1));
    expect(await dig('www.agent.test')).toEqual(['192.0.2.1']);

    const t2 = zoneText(2, '192.0.2.2', 'mail IN A 192.0.2.25\n');
    const started = Date.now();
    const body2 = zoneBody('agent.test', t2);
    appliedZone = body2;
    const r2 = await bed().push(body2);
    const ms = Date.now() - started;
    expect(r2.state).toBe('applied');
    expect(r2.sha256).toBe(sha256(t2));
    expect(await dig('www.agent.test')).toEqual(['192.0.2.2']);
    expect(await dig('mail.agent.test')).toEqual(['192.0.2.25']);
    console.log(`zone change applied and confirmed through the brokers in ${ms} ms`);

    const served = await bed().probe.query(RID, { query: 'zone', name: 'agent.test' });
    expect(served.ok).toBe(true);
    // What a push preview compares against: the text as pushed, and the ledger's version of it.
    const config = await bed().probe.query(RID, {
      query: 'config',
      object: { kind: 'zone', name: 'agent.test' },
    });
    expect(config).toEqual({
      ok: true,
      data: {
        object: { kind: 'zone', name: 'agent.test' },
        served: true,
        version: body2.version,
        text: t2,
        sha256: sha256(t2),
      },
    });
    const lookup = await bed().probe.query(RID, {
      query: 'lookup',
      name: 'mail.agent.test',
      rrtype: 'A',
    });
    expect(lookup).toMatchObject({ ok: true, data: { answers: ['192.0.2.25'] } });
  });

  it('refuses a broken zone with named-checkzone’s message and keeps serving the old data', async () => {
    const broken = zoneText(3, '999.0.2.3');
    const r = await bed().push(zoneBody('agent.test', broken));
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(/bad dotted quad/);
    expect(await dig('www.agent.test')).toEqual(['192.0.2.2']);
    expect(r.sha256).toBeUndefined();
  });

  it('rolls back a zone named refuses to load: dig shows the previous serial, the ledger the previous version', async () => {
    const ttlTooLong = zoneText(4, '192.0.2.4').replace('$TTL 60', '$TTL 600');
    const r = await bed().push(zoneBody('agent.test', ttlTooLong));
    expect(r.state).toBe('rolled-back');
    expect(r.reason).toMatch(
      /did not serve serial 4 for agent\.test .*\(served: 2\); the previous zone was restored: named serves serial 2 again/,
    );
    expect(r.sha256).toBeUndefined();
    // Seen from outside the agent: the previous zone, as before.
    expect((await dig('agent.test', 'SOA'))[0]?.split(' ')[2]).toBe('2');
    expect(await dig('www.agent.test')).toEqual(['192.0.2.2']);
    const t2 = appliedZone?.payload?.format === 'zone-text' ? appliedZone.payload.text : '';
    expect(await readFile(join(bed().bind.zoneDir, 'agent.test.zone'), 'utf8')).toBe(t2);
    // The ledger still says the previous version: a preview compares against what is served.
    const config = await bed().probe.query(RID, {
      query: 'config',
      object: { kind: 'zone', name: 'agent.test' },
    });
    expect(config).toMatchObject({ ok: true, data: { version: appliedZone?.version, text: t2 } });
  });

  it('applies a scope that then shows in config-get, and refuses an overlapping one leaving Kea as it was', async () => {
    const scope: DhcpScope = {
      subnet: '192.0.2.0/24',
      id: 42,
      pools: [{ start: '192.0.2.100', end: '192.0.2.199' }],
      options: [{ name: 'routers', data: '192.0.2.1' }],
      reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '192.0.2.10' }],
    };
    const started = Date.now();
    const body = scopeBody(scope);
    appliedScope = { body, scope };
    const r = await bed().push(body);
    const ms = Date.now() - started;
    expect(r).toMatchObject({ state: 'applied' });
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await keaSubnets()).toEqual([expect.objectContaining({ id: 42, subnet: '192.0.2.0/24' })]);
    console.log(`scope applied and confirmed through the brokers in ${ms} ms`);

    const before = await keaSubnets();
    const overlapping = await bed().push(
      scopeBody({ subnet: '192.0.2.128/25', id: 43, pools: [], options: [], reservations: [] }),
    );
    expect(overlapping.state).toBe('failed');
    expect(overlapping.reason).toMatch(/overlap|192\.0\.2\.0\/24/i);
    const badOption = await bed().push(
      scopeBody({
        ...scope,
        subnet: '198.51.100.0/24',
        id: 44,
        pools: [],
        reservations: [],
        options: [{ name: 'no-such-option', data: 'x' }],
      }),
    );
    expect(badOption.state).toBe('failed');
    expect(badOption.reason).toMatch(/no-such-option/);
    expect(await keaSubnets()).toEqual(before);

    const config = await bed().probe.query(RID, { query: 'kea-config' });
    expect(JSON.stringify(config)).toContain('192.0.2.0/24');
    const leases = await bed().probe.query(RID, { query: 'leases', subnet: '192.0.2.0/24' });
    expect(leases).toEqual({ ok: true, data: { subnet: '192.0.2.0/24', leases: [] } });
    // Kea's running subnet, read back onto the model, renders as pushed: a preview says unchanged.
    const served = await bed().probe.query(RID, {
      query: 'config',
      object: { kind: 'scope', subnet: '192.0.2.0/24' },
    });
    expect(served).toMatchObject({
      ok: true,
      data: { served: true, version: body.version, text: renderScope(scope) },
    });
  });

  it('rolls back a scope Kea cannot save: config-get shows the previous subnet, the ledger the previous version', async () => {
    const { body, scope } = appliedScope as { body: Body<'config'>; scope: DhcpScope };
    const before = await keaSubnets();
    const file = bed().kea.configFile;
    // A directory where Kea's config file was: config-set takes the new config, config-write fails.
    await rename(file, `${file}.aside`);
    await mkdir(file);
    try {
      const r = await bed().push(
        scopeBody({ ...scope, pools: [{ start: '192.0.2.50', end: '192.0.2.60' }] }),
      );
      expect(r.state).toBe('rolled-back');
      expect(r.reason).toMatch(
        /^Kea config-write: .+; the previous config was restored and config-get shows its subnets again$/,
      );
    } finally {
      await rm(file, { recursive: true });
      await rename(`${file}.aside`, file);
    }
    // Seen from outside the agent: Kea runs the previous subnet, as before.
    expect(await keaSubnets()).toEqual(before);
    const served = await bed().probe.query(RID, {
      query: 'config',
      object: { kind: 'scope', subnet: scope.subnet },
    });
    expect(served).toMatchObject({
      ok: true,
      data: { served: true, version: body.version, text: renderScope(scope) },
    });
  });

  it('runs commands and says exactly why when one cannot be run', async () => {
    expect(await command({ action: 'reload', service: 'named' })).toMatchObject({ state: 'applied' });
    expect(await command({ action: 'flush-cache', service: 'named' })).toMatchObject({ state: 'applied' });
    expect(await command({ action: 'reload', service: 'kea-dhcp4' })).toMatchObject({ state: 'applied' });
    // A reload must not lose what config-set applied: config-write kept the file in step.
    expect(await keaSubnets()).toEqual([expect.objectContaining({ id: 42 })]);
    expect(await dig('www.agent.test')).toEqual(['192.0.2.2']);
    const restart = await command({ action: 'restart', service: 'named' });
    expect(restart).toMatchObject({ state: 'failed', reason: expect.stringMatching(/no "restart" action/) });
    const bgp = await command({ action: 'restart', service: 'bgpd' });
    expect(bgp).toMatchObject({
      state: 'failed',
      reason: 'bgpd is not installed or not configured on this remote',
    });
  });

  it('answers bad queries with a reason and keeps running', async () => {
    const c = bed().probe;
    expect(await c.query(RID, { query: 'zone', name: 'unknown.test' })).toMatchObject({ ok: false });
    expect(await c.query(RID, { query: 'leases', subnet: '203.0.113.0/24' })).toMatchObject({ ok: false });
    expect(await c.query(RID, { query: 'ping' })).toMatchObject({ ok: true, data: { pong: true } });
  });

  it('reports this host’s statistics with named and kea-dhcp4 running, and DNS usage from BIND', async () => {
    const c = bed().probe;
    const stats = await waitFor('stats from the agent', () => c.stats(RID), 15_000);
    const named = stats.body.processes.find((p) => p.name === 'named');
    const keaProc = stats.body.processes.find((p) => p.name === 'kea-dhcp4');
    // The very processes the test started, with their uptimes since then.
    expect(named).toMatchObject({ running: true, pid: bed().bind.pid });
    expect(keaProc).toMatchObject({ running: true, pid: bed().kea.pid });
    expect(named?.uptimeS).toBeLessThan((Date.now() - startedAt) / 1000 + 2);
    // What travelled through the brokers agrees with /proc on this machine.
    const [meminfo, uptime] = await Promise.all([
      readFile('/proc/meminfo', 'utf8'),
      readFile('/proc/uptime', 'utf8'),
    ]);
    expect(stats.body.mem.totalBytes).toBe(Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1]) * 1024);
    expect(Math.abs(stats.body.uptimeS - Number(uptime.split(' ')[0]))).toBeLessThan(5);
    // Queries between two usage samples show up as a rate.
    const since = Date.now();
    for (let i = 0; i < 5; i++) await dig('www.agent.test');
    const usage = await waitFor(
      'a usage sample with DNS queries',
      () => {
        const u = c.usage(RID);
        return u && u.ts > since && (u.body.dns?.queries ?? 0) > 0 ? u : undefined;
      },
      15_000,
    );
    expect(usage.body.dns?.qps).toBeGreaterThan(0);
    expect(usage.body.dhcp?.leasesActive).toBe(0);
  });

  it('deletes a zone and a scope, and fails the delete of one it does not have', async () => {
    const del = (object: Body<'config'>['object']): Body<'config'> => ({
      pushId: crypto.randomUUID(),
      object,
      version: ++version,
      op: 'delete',
    });
    const unknownZone = await bed().push(del({ kind: 'zone', name: 'never-pushed.test' }));
    expect(unknownZone).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/never-pushed\.test/),
    });
    const unknownScope = await bed().push(del({ kind: 'scope', subnet: '203.0.113.0/24' }));
    expect(unknownScope).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/203\.0\.113\.0\/24/),
    });

    expect(await bed().push(del({ kind: 'zone', name: 'agent.test' }))).toMatchObject({ state: 'applied' });
    expect(await dig('www.agent.test')).toEqual([]);
    expect(await bed().push(del({ kind: 'scope', subnet: '192.0.2.0/24' }))).toMatchObject({
      state: 'applied',
    });
    expect(await keaSubnets()).toEqual([]);
  });

  it('says goodbye on SIGTERM and exits 0', async () => {
    const a = bed().agent;
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.output()).toContain(`SIGTERM: saying goodbye for remote ${RID}`);
    expect(bed().probe.guard.counters().total).toBe(0);
  });
});
