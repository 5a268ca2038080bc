import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import { MemoryDhcp, MemoryDns, MemoryStore, noFaults, type ApplyFaults } from '../targets/memory';
import { ApplierClosedError, ConfigApplier, DELIVERED_AFTER_MS } from './config-apply';
import { Ledger } from './ledger';

let dir: string;
let ledger: Ledger;
let faults: ApplyFaults;
let store: MemoryStore;
let dns: MemoryDns;
let dhcp: MemoryDhcp;
let applier: ConfigApplier;
let results: Body<'result'>[];
/** 'delivered' for every message, so each test sees every step; when it goes out is tested on its own. */
const always = { deliveredAfterMs: 0 };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-apply-'));
  ledger = await Ledger.open(dir);
  faults = noFaults();
  store = await MemoryStore.open(join(dir, 'served.json'));
  dns = new MemoryDns(store, faults);
  dhcp = new MemoryDhcp(store, faults);
  applier = new ConfigApplier({ ledger, dns, dhcp, ...always });
  results = [];
});
afterEach(async () => {
  await ledger.close();
  await rm(dir, { recursive: true, force: true });
});

const zoneText = (serial: number, a = '192.0.2.10') =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A ${a}\n`;

const zone = (version: number, text = zoneText(version), id?: string): Envelope<'config'> =>
  makeEnvelope(
    'config',
    'console-1',
    {
      pushId: crypto.randomUUID(),
      object: { kind: 'zone', name: 'example.test' },
      version,
      op: 'upsert',
      payload: { format: 'zone-text', text },
    },
    id ? { id } : {},
  );

const scope = (subnet: string, id: number, version = 1): Envelope<'config'> =>
  makeEnvelope('config', 'console-1', {
    pushId: crypto.randomUUID(),
    object: { kind: 'scope', subnet },
    version,
    op: 'upsert',
    payload: { format: 'kea-subnet4', scope: { subnet, id, pools: [], options: [], reservations: [] } },
  });

/** One message through, its results reported. */
const handle = async (env: Envelope<'config'>) => {
  const { reported } = await applier.handle(env, async (r) => {
    results.push(r);
  });
  await reported;
};
const states = () => results.map((r) => r.state);

describe('ConfigApplier', () => {
  it('answers delivered then applied with the sha256 of what is served, and records it', async () => {
    const env = zone(1);
    await handle(env);
    expect(states()).toEqual(['delivered', 'applied']);
    expect(results[1]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await dns.servedZone('example.test')).toBe(zoneText(1));
    expect(ledger.get(env.id)?.state).toBe('applied');
    expect(await dns.lookup('www.example.test', 'A')).toEqual(['192.0.2.10']);
  });

  it('answers a message it has seen from the ledger and never applies it twice', async () => {
    const env = zone(1);
    await handle(env);
    // Someone changes what is served; a re-apply of the old message would undo it.
    await handle(zone(2, zoneText(2, '192.0.2.20')));
    results = [];
    await handle(env);
    expect(states()).toEqual(['applied']);
    expect(results[0]?.reason).toMatch(/answered from the ledger/);
    expect(await dns.lookup('www.example.test', 'A')).toEqual(['192.0.2.20']);
  });

  it('reports an older version than the applied one as superseded', async () => {
    await handle(zone(5));
    results = [];
    await handle(zone(3));
    expect(states()).toEqual(['superseded']);
    expect(results[0]?.reason).toMatch(/older than version 5/);
    expect(await dns.servedZone('example.test')).toBe(zoneText(5));
  });

  it('fails a broken zone with the validator message and keeps serving the old one', async () => {
    await handle(zone(1));
    results = [];
    const broken = zone(2, '$TTL 300\n@ IN NS ns1\n');
    await handle(broken);
    expect(states()).toEqual(['delivered', 'failed']);
    expect(results[1]?.reason).toMatch(/no SOA/);
    expect(await dns.servedZone('example.test')).toBe(zoneText(1));
    // A failed message is answered from the ledger too; the failed version does not count as applied.
    results = [];
    await handle(broken);
    expect(states()).toEqual(['failed']);
    expect(ledger.lastApplied('zone:example.test')?.version).toBe(1);
  });

  it('reports rolled-back with the reason when the target put the previous version back', async () => {
    await handle(zone(1));
    const why = 'named did not serve serial 2; the previous zone was restored: named serves serial 1 again';
    vi.spyOn(dns, 'upsertZone').mockResolvedValue({ ok: false, rolledBack: true, reason: why });
    results = [];
    const env = zone(2);
    await handle(env);
    expect(states()).toEqual(['delivered', 'rolled-back']);
    expect(results[1]?.reason).toBe(why);
    expect(results[1]?.sha256).toBeUndefined();
    expect(ledger.get(env.id)).toMatchObject({ state: 'rolled-back', reason: why });
    // The previous version is what is served, and the ledger says so.
    expect(ledger.lastApplied('zone:example.test')?.version).toBe(1);
    // Answered from the ledger, never applied again.
    results = [];
    await handle(env);
    expect(states()).toEqual(['rolled-back']);
    expect(results[0]?.reason).toMatch(
      /previous zone was restored.*answered from the ledger: this message was rolled back at/,
    );
    expect(dns.upsertZone).toHaveBeenCalledTimes(1);
  });

  it('fails a scope that overlaps another subnet and a delete of an unknown zone', async () => {
    await handle(scope('192.0.2.0/24', 1));
    await handle(scope('192.0.2.128/25', 2));
    expect(states()).toEqual(['delivered', 'applied', 'delivered', 'failed']);
    expect(results[3]?.reason).toMatch(/overlaps subnet 192.0.2.0\/24/);
    results = [];
    await handle(
      makeEnvelope('config', 'console-1', {
        pushId: crypto.randomUUID(),
        object: { kind: 'zone', name: 'nowhere.test' },
        version: 1,
        op: 'delete',
      }),
    );
    expect(results[1]).toMatchObject({
      state: 'failed',
      reason: 'zone nowhere.test is not served by this remote',
    });
  });

  it('fails what does not fit: a zone with a scope payload, no DNS server, failing validation', async () => {
    const env = zone(1);
    const mixed = makeEnvelope('config', 'console-1', {
      ...env.body,
      payload: {
        format: 'kea-subnet4',
        scope: { subnet: '192.0.2.0/24', id: 1, pools: [], options: [], reservations: [] },
      },
    });
    await handle(mixed);
    expect(results[1]?.reason).toMatch(/a zone takes a zone-text payload/);

    results = [];
    const noDns = new ConfigApplier({ ledger, dhcp, ...always });
    await noDns.handle(zone(1), async (r) => void results.push(r));
    expect(results[1]?.reason).toMatch(/named \(DNS\) is not installed/);

    results = [];
    faults.failValidation = true;
    await handle(zone(2));
    expect(results[1]?.reason).toMatch(/simulated validation failure/);
  });

  it('runs the after-record hook once the outcome is durable and before the final result', async () => {
    const seen: string[] = [];
    const hooked = new ConfigApplier({
      ledger,
      dns,
      ...always,
      afterRecord: (e) =>
        seen.push(`${e.state}:${results.length}:${ledger.get(e.id) ? 'on-disk' : 'missing'}`),
    });
    await hooked.handle(zone(1), async (r) => void results.push(r));
    expect(seen).toEqual(['applied:1:on-disk']);
  });

  it('settles once the outcome is in the ledger, before the broker has receipted its results', async () => {
    const receipts: (() => void)[] = [];
    const env = zone(1);
    const { reported } = await applier.handle(env, (r) => {
      results.push(r);
      return new Promise<void>((resolve) => receipts.push(resolve));
    });
    expect(states()).toEqual(['delivered', 'applied']);
    expect(ledger.get(env.id)?.state).toBe('applied');
    let acked = false;
    void reported.then(() => (acked = true));
    receipts[1]?.();
    await new Promise((r) => setImmediate(r));
    // The ack waits for both results, 'delivered' too.
    expect(acked).toBe(false);
    receipts[0]?.();
    await reported;
  });

  it('applies even when the delivered result cannot be sent; the message is not reported, so not acked', async () => {
    const env = zone(1);
    const { reported } = await applier.handle(env, async (r) => {
      results.push(r);
      if (r.state === 'delivered') throw new Error('the session was lost');
    });
    await expect(reported).rejects.toThrow('the session was lost');
    expect(ledger.get(env.id)?.state).toBe('applied');
    // Its redelivery is answered from the ledger.
    results = [];
    await handle(env);
    expect(states()).toEqual(['applied']);
  });

  describe("when 'delivered' goes out", () => {
    it(`not for an apply that settles within ${DELIVERED_AFTER_MS} ms: its final result says it all`, async () => {
      const fast = new ConfigApplier({ ledger, dns });
      const { reported } = await fast.handle(zone(1), async (r) => void results.push(r));
      await reported;
      expect(states()).toEqual(['applied']);
    });

    it('while a slow apply is still running', async () => {
      faults.applyDelayMs = 300;
      const slow = new ConfigApplier({ ledger, dns, deliveredAfterMs: 20 });
      const handled = slow.handle(zone(1), async (r) => void results.push(r));
      await vi.waitFor(() => expect(states()).toEqual(['delivered']));
      await expect(dns.servedZone('example.test')).rejects.toThrow(/not served/);
      await (
        await handled
      ).reported;
      expect(states()).toEqual(['delivered', 'applied']);
    });
  });

  describe('on a full or read-only disk', () => {
    const enospc = () =>
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const erofs = () => Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });

    it('holds the message until its files and its ledger line can be written, then applies it once', async () => {
      const said: (string | undefined)[] = [];
      const holding = new ConfigApplier({
        ledger,
        dns,
        ...always,
        storageRetryMs: { first: 1, max: 4 },
        onStorage: (t) => said.push(t?.message),
      });
      vi.spyOn(store, 'save').mockRejectedValueOnce(enospc()).mockRejectedValueOnce(enospc());
      const record = vi.spyOn(ledger, 'record').mockRejectedValueOnce(erofs());
      const env = zone(1);
      await holding.handle(env, async (r) => void results.push(r));

      expect(states()).toEqual(['delivered', 'applied']);
      expect(said).toEqual([
        'the files of zone example.test cannot be written (ENOSPC: no space left on device, write): the disk is full: free space on it',
        undefined,
        'the agent state cannot be written (EROFS: read-only file system, open): the filesystem is read-only: remount it read-write',
        undefined,
      ]);
      expect(record).toHaveBeenCalledTimes(2);
      expect(ledger.get(env.id)?.state).toBe('applied');
      expect(await dns.servedZone('example.test')).toBe(zoneText(1));
    });

    it('records no failure for it: a full disk is not the config’s fault', async () => {
      const holding = new ConfigApplier({ ledger, dns, ...always, storageRetryMs: { first: 1, max: 1 } });
      vi.spyOn(store, 'save').mockRejectedValueOnce(enospc());
      await holding.handle(zone(1), async (r) => void results.push(r));
      expect(states()).toEqual(['delivered', 'applied']);
    });

    it('gives the message up, unacknowledged, when the agent stops meanwhile', async () => {
      const holding = new ConfigApplier({
        ledger,
        dns,
        deliveredAfterMs: 20,
        storageRetryMs: { first: 60_000, max: 60_000 },
      });
      vi.spyOn(store, 'save').mockRejectedValue(enospc());
      const env = zone(1);
      const handled = holding.handle(env, async (r) => void results.push(r));
      // Held longer than deliveredAfterMs: the console hears that the remote has it.
      await vi.waitFor(() => expect(states()).toEqual(['delivered']));
      holding.close();
      await expect(handled).rejects.toBeInstanceOf(ApplierClosedError);
      expect(states()).toEqual(['delivered']);
      expect(ledger.get(env.id)).toBeUndefined();
    });
  });
});
