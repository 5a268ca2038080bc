import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src-node/crypto/sha256';
import type { SmtConnection } from '../../src-node/smt';
import { waitFor } from '../../src-node/smt/testing/wait';
import { silentLog } from '../../src-node/log';
import { renderScope } from '../../src-shared/config/scope-render';
import type { DhcpScope } from '../../src-shared/config/scope';
import { channels, decodeEnvelope, MAX_SERVED_OBJECTS, type Body } from '../../src-shared/protocol';
import { MemoryDhcp, MemoryDns, MemoryStore, noFaults } from '../targets/memory';
import { answerQuery, type QueryContext } from './requests';
import { ServedInventory } from './served-inventory';

const zone = (serial: number, extra = '') =>
  `$TTL 300\n@ IN SOA ns1.example.test. admin.example.test. ${serial} 3600 600 86400 300\n@ IN NS ns1.example.test.\nns1 IN A 192.0.2.1\n${extra}`;
const scope = (subnet: string, id: number, pool: string): DhcpScope => ({
  subnet,
  id,
  pools: [{ start: `${pool}.10`, end: `${pool}.20` }],
  options: [{ name: 'routers', data: `${pool}.1` }],
  reservations: [],
});

/** A connection that keeps what is published and can go down. */
function fakeConn() {
  const sent: { destination: string; body: Body<'served'> }[] = [];
  const conn = {
    state: { kind: 'connected' as string },
    async send(destination: string, _headers: unknown, raw: string) {
      if (conn.state.kind !== 'connected') throw new Error('not connected');
      const decoded = decodeEnvelope(raw, ['served']);
      if (!decoded.ok) throw new Error(`invalid served envelope: ${decoded.detail}`);
      sent.push({ destination, body: decoded.envelope.body });
    },
  };
  return { conn, sent };
}

/** What answerQuery needs of this agent for the config and served queries; the rest is never asked. */
const queryContext = (dns: MemoryDns, dhcp: MemoryDhcp, served?: ServedInventory): QueryContext => ({
  dns,
  dhcp,
  hello: () => Promise.reject(new Error('unused')),
  uptimeS: async () => 0,
  lastApplied: () => undefined,
  served: served && (() => served.current()),
});

let inv: ServedInventory | undefined;
afterEach(() => inv?.stop());

async function setup(opts: { dnsDown?: { error: string | undefined } } = {}) {
  const store = await MemoryStore.open();
  const dns = new MemoryDns(store, noFaults());
  const dhcp = new MemoryDhcp(store, noFaults());
  await dns.upsertZone('b.example.test', zone(7));
  await dns.upsertZone('A.example.test.', zone(3));
  await dhcp.upsertScope(scope('192.0.2.0/24', 1, '192.0.2'));
  if (opts.dnsDown) {
    const down = opts.dnsDown;
    const read = dns.inventory.bind(dns);
    dns.inventory = () => (down.error ? Promise.reject(new Error(down.error)) : read());
  }
  const { conn, sent } = fakeConn();
  let clock = 1_000;
  const ledger = new Map([['zone:b.example.test', 4]]);
  inv = new ServedInventory({
    id: 'r-0001',
    conn: conn as unknown as SmtConnection,
    dns,
    dhcp,
    lastApplied: (key) => ledger.get(key),
    log: silentLog,
    debounceMs: 10,
    now: () => clock,
  });
  inv.start();
  return { inv, dns, dhcp, store, conn, sent, tick: (ms: number) => (clock += ms) };
}

describe('served inventory', () => {
  it('after the hello sends every zone and scope, sorted, with hash, serial, ledger version and since', async () => {
    const { inv, sent } = await setup();
    await inv.afterHello();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.destination).toBe(channels.served.sendTo());
    const body = sent[0]?.body;
    expect(body?.seq).toBe(1);
    expect(body?.truncated).toBe(false);
    expect(body?.sources).toEqual([
      { service: 'kea-dhcp4', readable: true },
      { service: 'named', readable: true },
    ]);
    expect(body?.objects).toEqual([
      {
        object: { kind: 'scope', subnet: '192.0.2.0/24' },
        version: null,
        sha256: sha256(renderScope(scope('192.0.2.0/24', 1, '192.0.2'))),
        since: 1_000,
      },
      {
        object: { kind: 'zone', name: 'a.example.test' },
        version: null,
        serial: 3,
        sha256: sha256(zone(3)),
        since: 1_000,
      },
      {
        object: { kind: 'zone', name: 'b.example.test' },
        version: 4,
        serial: 7,
        sha256: sha256(zone(7)),
        since: 1_000,
      },
    ]);
  });

  it('the scope hash is the config query answer, so preview and drift agree', async () => {
    const { inv, dns, dhcp } = await setup();
    const config = await answerQuery(queryContext(dns, dhcp), {
      query: 'config',
      object: { kind: 'scope', subnet: '192.0.2.0/24' },
    });
    const body = await inv.current();
    expect(config.ok && (config.data as { sha256: string }).sha256).toBe(body.objects[0]?.sha256);
  });

  it('a change by hand is sent once, with a new hash and since for that object only', async () => {
    const { inv, dns, sent, tick } = await setup();
    await inv.afterHello();
    tick(5_000);
    await dns.editByHand('b.example.test', zone(8, 'www IN A 192.0.2.80\n'));
    const second = await waitFor('a second inventory', () => sent[1]?.body);
    expect(second.seq).toBe(2);
    const b = second.objects.find((o) => o.object.kind === 'zone' && o.object.name === 'b.example.test');
    expect(b).toMatchObject({
      serial: 8,
      sha256: sha256(zone(8, 'www IN A 192.0.2.80\n')),
      since: 6_000,
      version: 4,
    });
    expect(
      second.objects.find((o) => o.object.kind === 'zone' && o.object.name === 'a.example.test')?.since,
    ).toBe(1_000);
    // A signal with nothing changed sends nothing; the query still answers the same body.
    inv.changed();
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(2);
    expect(await inv.current()).toEqual(second);
  });

  it('an unreadable server says so and its objects are unknown, not gone: since survives', async () => {
    const down = { error: undefined as string | undefined };
    const { inv, sent, tick } = await setup({ dnsDown: down });
    await inv.afterHello();
    tick(1_000);
    down.error = 'dig: connection refused';
    inv.changed();
    const second = await waitFor('an inventory without named', () => sent[1]?.body);
    expect(second.sources).toContainEqual({
      service: 'named',
      readable: false,
      error: 'dig: connection refused',
    });
    expect(second.objects.map((o) => o.object.kind)).toEqual(['scope']);
    tick(1_000);
    down.error = undefined;
    inv.changed();
    const third = await waitFor('named back', () => sent[2]?.body);
    expect(third.objects.filter((o) => o.object.kind === 'zone').map((o) => o.since)).toEqual([1_000, 1_000]);
  });

  it('caps the objects at MAX_SERVED_OBJECTS, first by kind and name, and says truncated', async () => {
    const { inv, store } = await setup();
    for (let i = 0; i < MAX_SERVED_OBJECTS; i++) {
      const s = scope(
        `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
        i + 10,
        `10.${Math.floor(i / 256)}.${i % 256}`,
      );
      store.scopes.set(s.subnet, s);
    }
    const body = await inv.current();
    expect(body.objects).toHaveLength(MAX_SERVED_OBJECTS);
    expect(body.truncated).toBe(true);
    expect(body.objects.every((o) => o.object.kind === 'scope')).toBe(true);
  });

  it('an apply through the store signals too, and nothing is sent while disconnected; the next hello sends', async () => {
    const { inv, dhcp, conn, sent } = await setup();
    await inv.afterHello();
    conn.state.kind = 'connecting';
    await dhcp.upsertScope(scope('198.51.100.0/24', 2, '198.51.100'));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(1);
    conn.state.kind = 'connected';
    await inv.afterHello();
    expect(sent[1]?.body.objects.map((o) => o.object.kind === 'scope' && o.object.subnet)).toContain(
      '198.51.100.0/24',
    );
  });

  it('the served query answers the same body', async () => {
    const { inv, dns, dhcp } = await setup();
    const reply = await answerQuery(queryContext(dns, dhcp, inv), { query: 'served' });
    expect(reply).toEqual({ ok: true, data: await inv.current() });
  });
});
