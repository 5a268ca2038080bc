import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DhcpScope } from '../../src-shared/config/scope';
import { renderScope } from '../../src-shared/config/scope-render';
import { canonicalJson, KeaTarget, keaSubnetOf, scopeOfKeaSubnet, subnetMatches } from './kea';
import { sha256 } from '../../src-node/crypto/sha256';
import { waitFor } from '../../src-node/smt/testing/wait';
import { fakeKea, type FakeKea } from './testing/fake-kea';

type KeaRunning = { Dhcp4: { subnet4: Record<string, unknown>[] } };

const scope = DhcpScope.parse({
  subnet: '10.1.0.0/24',
  id: 7,
  pools: [{ start: '10.1.0.100', end: '10.1.0.199' }],
  options: [{ name: 'routers', data: '10.1.0.1' }],
  reservations: [{ hwAddress: '52:54:00:AA:BB:CC', ipAddress: '10.1.0.5' }],
});

describe('Kea subnet mapping', () => {
  it("maps a scope to Kea's subnet4 keys", () => {
    expect(keaSubnetOf(scope)).toEqual({
      id: 7,
      subnet: '10.1.0.0/24',
      pools: [{ pool: '10.1.0.100-10.1.0.199' }],
      'option-data': [{ name: 'routers', data: '10.1.0.1' }],
      reservations: [{ 'hw-address': '52:54:00:aa:bb:cc', 'ip-address': '10.1.0.5' }],
    });
  });

  it('matches the subnet as Kea reports it, defaults and spacing aside', () => {
    const reported = {
      ...keaSubnetOf(scope),
      pools: [{ pool: '10.1.0.100 - 10.1.0.199', 'option-data': [] }],
      'option-data': [{ name: 'routers', data: '10.1.0.1', code: 3, space: 'dhcp4' }],
      'valid-lifetime': 7200,
      relay: { 'ip-addresses': [] },
    };
    expect(subnetMatches(scope, reported)).toBe(true);
    expect(subnetMatches(scope, { ...reported, 'option-data': [] })).toBe(false);
    expect(subnetMatches({ ...scope, validLifetimeS: 3600 }, reported)).toBe(false);
  });

  it('matches a pool Kea reports as a prefix (an aligned range), and not a different one', () => {
    const aligned = { ...scope, pools: [{ start: '10.1.0.200', end: '10.1.0.203' }] };
    const reported = (pool: string) => ({ ...keaSubnetOf(aligned), pools: [{ pool }] });
    expect(subnetMatches(aligned, reported('10.1.0.200/30'))).toBe(true);
    expect(subnetMatches(aligned, reported('10.1.0.200/29'))).toBe(false);
  });

  it('hashes equal configs equally whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('reads a reported subnet back onto the scope model, so an unchanged scope renders the same', () => {
    const reported = {
      ...keaSubnetOf(scope),
      pools: [{ pool: '10.1.0.100 - 10.1.0.199', 'option-data': [] }],
      'option-data': [{ name: 'routers', data: '10.1.0.1', code: 3, space: 'dhcp4', 'always-send': false }],
      reservations: [
        { 'hw-address': '52:54:00:aa:bb:cc', 'ip-address': '10.1.0.5', hostname: '', 'client-classes': [] },
        { 'client-id': '01:02', 'ip-address': '10.1.0.6' },
      ],
      'valid-lifetime': 7200,
    };
    expect(renderScope(scopeOfKeaSubnet(reported, 7200))).toBe(renderScope(scope));
    // A lifetime of its own (not the global one) is the scope's.
    expect(scopeOfKeaSubnet(reported, 4000).validLifetimeS).toBe(7200);
  });

  it('reads a prefix pool as its first and last address', () => {
    const reported = { id: 1, subnet: '10.2.0.0/24', pools: [{ pool: '10.2.0.128/25' }] };
    expect(scopeOfKeaSubnet(reported, undefined).pools).toEqual([{ start: '10.2.0.128', end: '10.2.0.255' }]);
  });
});

/**
 * Rollback paths a healthy Kea never takes, against a stand-in control socket that runs what config-set
 * gives it except as the test says.
 */
describe('KeaTarget rollback', () => {
  let kea: FakeKea | undefined;
  afterEach(async () => {
    await kea?.stop();
    kea = undefined;
  });
  const old = { id: 7, subnet: '10.1.0.0/24', pools: [{ pool: '10.1.0.10-10.1.0.20' }] };

  /** `set` answers a config-set (n counts them) and says what Kea then runs. */
  async function keaRunning(
    set: (config: KeaRunning, n: number) => { result: number; text?: string; runs?: KeaRunning },
  ): Promise<{ target: KeaTarget; running: () => KeaRunning; commands: string[] }> {
    let running: KeaRunning = { Dhcp4: { subnet4: [old] } };
    let sets = 0;
    const commands: string[] = [];
    kea = await fakeKea((request, reply) => {
      const { command, arguments: args } = JSON.parse(request) as { command: string; arguments: KeaRunning };
      commands.push(command);
      if (command === 'config-get') return reply(JSON.stringify({ result: 0, arguments: running }));
      if (command !== 'config-set') return reply('{"result":0}');
      const answer = set(args, ++sets);
      if (answer.result === 0) running = answer.runs ?? args;
      reply(JSON.stringify({ result: answer.result, text: answer.text }));
    });
    const target = new KeaTarget({ controlSocket: kea.path, configFile: join(kea.dir, 'kea.json') });
    return { target, running: () => running, commands };
  }
  /** Kea takes the config but runs the pushed subnet without its options. */
  const withoutOptions = (config: KeaRunning): KeaRunning => ({
    Dhcp4: { subnet4: config.Dhcp4.subnet4.map((s) => ({ ...s, 'option-data': [] })) },
  });

  it('restores the previous config when config-get does not show the scope, and proves it: rolled back', async () => {
    const { target, running, commands } = await keaRunning((config, n) => ({
      result: 0,
      runs: n === 1 ? withoutOptions(config) : config,
    }));
    const outcome = await target.upsertScope(scope);
    expect(outcome).toEqual({
      ok: false,
      rolledBack: true,
      reason:
        'Kea does not report subnet 10.1.0.0/24 (id 7) as pushed after config-set; the previous config was restored and config-get shows its subnets again',
    });
    expect(running().Dhcp4.subnet4).toEqual([old]);
    expect(commands).toEqual([
      'config-get',
      'config-test',
      'config-set',
      'config-write',
      'config-get',
      'config-set',
      'config-write',
      'config-get',
    ]);
  });

  it('fails with both reasons when Kea refuses the previous config too', async () => {
    const { target } = await keaRunning((config, n) =>
      n === 1 ? { result: 0, runs: withoutOptions(config) } : { result: 1, text: 'out of memory' },
    );
    expect(await target.upsertScope(scope)).toEqual({
      ok: false,
      reason:
        'Kea does not report subnet 10.1.0.0/24 (id 7) as pushed after config-set; restoring the previous config failed: out of memory',
    });
  });

  it('fails with both reasons when config-get does not show the previous subnets after restoring', async () => {
    const { target } = await keaRunning((config) => ({ result: 0, runs: withoutOptions(config) }));
    expect(await target.upsertScope(scope)).toEqual({
      ok: false,
      reason:
        "Kea does not report subnet 10.1.0.0/24 (id 7) as pushed after config-set; after restoring the previous config, Kea's config-get does not show its subnets",
    });
  });
});

describe('KeaTarget inventory and change signal', () => {
  let kea: FakeKea | undefined;
  let stopWatch: (() => void) | undefined;
  afterEach(async () => {
    stopWatch?.();
    await kea?.stop();
    kea = undefined;
  });

  /** A Kea running `subnets`, with or without config-hash-get (2.4+ has it, Debian 12's 2.2 not). */
  async function running(hashGet: boolean) {
    const state = {
      config: { Dhcp4: { 'valid-lifetime': 4000, subnet4: [keaSubnetOf(scope)], 'shared-networks': [] } },
      commands: [] as string[],
    };
    kea = await fakeKea((request, reply) => {
      const { command } = JSON.parse(request) as { command: string };
      state.commands.push(command);
      if (command === 'config-get') return reply(JSON.stringify({ result: 0, arguments: state.config }));
      if (command === 'config-hash-get') {
        if (!hashGet) return reply(`{"result":2,"text":"'config-hash-get' command not supported."}`);
        const hash = canonicalJson(state.config).length.toString(16);
        return reply(JSON.stringify({ result: 0, arguments: { hash } }));
      }
      reply('{"result":1,"text":"unexpected"}');
    });
    const target = new KeaTarget({
      controlSocket: kea.path,
      configFile: join(kea.dir, 'kea.json'),
      changePollMs: 50,
    });
    return { target, state };
  }

  it('lists every subnet, shared networks too, hashed as the config query hashes servedScope', async () => {
    const { target, state } = await running(false);
    const other = { id: 9, subnet: '10.9.0.0/24', pools: [{ pool: '10.9.0.10 - 10.9.0.20' }] };
    state.config.Dhcp4['shared-networks'] = [{ name: 'net', subnet4: [other] }] as never;
    const inventory = await target.inventory();
    const served = await target.servedScope('10.9.0.0/24');
    expect(inventory.map((i) => i.subnet)).toEqual(['10.1.0.0/24', '10.9.0.0/24']);
    expect(inventory[0]?.sha256).toBe(sha256(renderScope(scope)));
    expect(inventory[1]?.sha256).toBe(sha256(renderScope(served as DhcpScope)));
  });

  for (const hashGet of [true, false]) {
    it(`signals a config-set made outside the agent (${hashGet ? 'config-hash-get' : 'config-get, no hash command'})`, async () => {
      const { target, state } = await running(hashGet);
      let signals = 0;
      stopWatch = target.watch(() => signals++);
      // A few polls with nothing changed signal nothing.
      await waitFor('three polls', () => state.commands.length >= (hashGet ? 3 : 4));
      expect(signals).toBe(0);
      state.config = {
        ...state.config,
        Dhcp4: { ...state.config.Dhcp4, subnet4: [{ ...keaSubnetOf(scope), 'valid-lifetime': 123456 }] },
      };
      await waitFor('the change signal', () => signals > 0);
      // One command per poll: the hash where Kea has it, else config-get after one refused hash-get.
      const kinds = new Set(state.commands.slice(1));
      expect([...kinds]).toEqual([hashGet ? 'config-hash-get' : 'config-get']);
    });
  }
});
