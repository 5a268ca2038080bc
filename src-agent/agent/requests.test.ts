import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import { FoundLeases, ServedConfig } from '../../src-shared/protocol';
import { MemoryDhcp, MemoryDns, MemoryStore, noFaults } from '../targets/memory';
import { answerQuery, type QueryContext } from './requests';

const ZONE = `$ORIGIN example.test.
$TTL 300
@ IN SOA ns1 admin 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 192.0.2.1
`;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

async function context(): Promise<{ ctx: QueryContext; dns: MemoryDns; dhcp: MemoryDhcp }> {
  const store = await MemoryStore.open();
  const dns = new MemoryDns(store, noFaults());
  const dhcp = new MemoryDhcp(store, noFaults());
  const versions = new Map([['zone:example.test', 4]]);
  const ctx: QueryContext = {
    dns,
    dhcp,
    hello: () => Promise.reject(new Error('not asked')),
    uptimeS: () => Promise.resolve(1),
    lastApplied: (key) => versions.get(key),
  };
  return { ctx, dns, dhcp };
}

async function served(ctx: QueryContext, q: Parameters<typeof answerQuery>[1]) {
  const reply = await answerQuery(ctx, q);
  if (!reply.ok) throw new Error(reply.error);
  return ServedConfig.parse(reply.data);
}

describe('the config query', () => {
  it('answers a served zone with its text, hash and the ledger version', async () => {
    const { ctx, dns } = await context();
    await dns.upsertZone('example.test', ZONE);
    expect(await served(ctx, { query: 'config', object: { kind: 'zone', name: 'Example.test.' } })).toEqual({
      object: { kind: 'zone', name: 'Example.test.' },
      served: true,
      version: 4,
      text: ZONE,
      sha256: sha256(ZONE),
    });
  });

  it('leaves the text out when it hashes to what the console already has', async () => {
    const { ctx, dns } = await context();
    await dns.upsertZone('example.test', ZONE);
    const answer = await served(ctx, {
      query: 'config',
      object: { kind: 'zone', name: 'example.test' },
      unlessSha256: sha256(ZONE),
    });
    expect(answer).toMatchObject({ served: true, text: null, sha256: sha256(ZONE) });
  });

  it('says not served for an unknown zone or scope, rather than failing', async () => {
    const { ctx } = await context();
    expect(await served(ctx, { query: 'config', object: { kind: 'zone', name: 'other.test' } })).toEqual({
      object: { kind: 'zone', name: 'other.test' },
      served: false,
      version: null,
      text: null,
      sha256: null,
    });
    expect(
      await served(ctx, { query: 'config', object: { kind: 'scope', subnet: '10.0.0.0/24' } }),
    ).toMatchObject({ served: false, text: null });
  });

  it('answers a served scope in its rendered form', async () => {
    const { ctx, dhcp } = await context();
    const scope = DhcpScope.parse({
      subnet: '10.0.0.0/24',
      id: 3,
      pools: [{ start: '10.0.0.10', end: '10.0.0.20' }],
    });
    await dhcp.upsertScope(scope);
    const answer = await served(ctx, { query: 'config', object: { kind: 'scope', subnet: '10.0.0.0/24' } });
    expect(answer).toMatchObject({ served: true, version: null, text: renderScope(scope) });
  });

  it('fails with the reason when the service is not on this remote', async () => {
    const { ctx } = await context();
    const reply = await answerQuery(
      { ...ctx, dhcp: undefined },
      { query: 'config', object: { kind: 'scope', subnet: '10.0.0.0/24' } },
    );
    expect(reply).toEqual({
      ok: false,
      error: 'config: kea-dhcp4 is not installed or not configured on this remote',
    });
  });
});

describe('the lease-find query', () => {
  it('a simulated remote answers FoundLeases from its scopes; a DNS-only remote says kea-dhcp4 is not here', async () => {
    const { ctx, dhcp } = await context();
    const scope = DhcpScope.parse({
      subnet: '10.9.0.0/24',
      id: 9,
      pools: [{ start: '10.9.0.50', end: '10.9.0.60' }],
      options: [],
      reservations: [],
    });
    expect((await dhcp.upsertScope(scope)).ok).toBe(true);
    const reply = await answerQuery(ctx, { query: 'lease-find', by: 'hostname', value: 'sim-0-51' });
    expect(reply.ok && FoundLeases.parse(reply.data).leases.map((l) => [l.ipAddress, l.subnet])).toEqual([
      ['10.9.0.51', '10.9.0.0/24'],
    ]);
    const none = await answerQuery(
      { ...ctx, dhcp: undefined },
      { query: 'lease-find', by: 'ip', value: '10.9.0.51' },
    );
    expect(none).toEqual({
      ok: false,
      error: expect.stringMatching(/^lease-find: kea-dhcp4 is not installed/),
    });
  });
});
