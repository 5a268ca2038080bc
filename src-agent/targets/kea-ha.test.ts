import { afterEach, describe, expect, it } from 'vitest';
import { HaStatus } from '../../src-shared/protocol';
import { KeaTarget } from './kea';
import { fakeKea, type FakeKea } from './testing/fake-kea';

const HA_HOOK = '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so';

const haParams = {
  'high-availability': [
    {
      'this-server-name': 'server-a',
      mode: 'hot-standby',
      'heartbeat-delay': 1000,
      peers: [
        { name: 'server-a', url: 'http://127.0.0.1:18601/', role: 'primary', 'auto-failover': true },
        { name: 'server-b', url: 'http://127.0.0.1:18602/', role: 'standby', 'auto-failover': true },
      ],
    },
  ],
};

const configWith = (hooks: unknown[]) => ({
  result: 0,
  arguments: { Dhcp4: { subnet4: [], 'hooks-libraries': hooks } },
});

/** status-get as kea-dhcp4 2.2 answered it on this machine: the primary, its standby just killed. */
const partnerDown = {
  result: 0,
  arguments: {
    'high-availability': [
      {
        'ha-mode': 'hot-standby',
        'ha-servers': {
          local: { role: 'primary', scopes: ['server-a'], state: 'partner-down' },
          remote: {
            age: 8,
            'analyzed-packets': 0,
            'communication-interrupted': true,
            'connecting-clients': 0,
            'in-touch': true,
            'last-scopes': [],
            'last-state': 'unavailable',
            role: 'standby',
            'unacked-clients': 0,
            'unacked-clients-left': 1,
          },
        },
      },
    ],
    'multi-threading-enabled': true,
    pid: 25654,
    uptime: 18,
  },
};

let kea: FakeKea | undefined;
afterEach(async () => {
  await kea?.stop();
  kea = undefined;
});

/** A fake control socket answering by command; a command with no answer gets "not supported". */
async function keaAnswering(
  answers: Record<string, unknown>,
): Promise<{ target: KeaTarget; asked: string[] }> {
  const asked: string[] = [];
  kea = await fakeKea((request, reply) => {
    const { command } = JSON.parse(request) as { command: string };
    asked.push(command);
    reply(JSON.stringify(answers[command] ?? { result: 2, text: `'${command}' command not supported.` }));
  });
  return {
    target: new KeaTarget({ controlSocket: kea.path, configFile: '/dev/null', timeoutMs: 2000 }),
    asked,
  };
}

describe('KeaTarget.ha', () => {
  it('reports each relationship with the names from the config and the state from status-get', async () => {
    const { target } = await keaAnswering({
      'config-get': configWith([{ library: HA_HOOK, parameters: haParams }]),
      'status-get': partnerDown,
    });
    const status = await target.ha();
    expect(HaStatus.parse(status)).toEqual({
      kind: 'reported',
      relationships: [
        {
          mode: 'hot-standby',
          peers: [
            { name: 'server-a', url: 'http://127.0.0.1:18601/', role: 'primary' },
            { name: 'server-b', url: 'http://127.0.0.1:18602/', role: 'standby' },
          ],
          server: { name: 'server-a', role: 'primary', state: 'partner-down', scopes: ['server-a'] },
          partner: {
            name: 'server-b',
            role: 'standby',
            lastState: 'unavailable',
            lastScopes: [],
            communicationInterrupted: true,
            ageS: 8,
            connectingClients: 0,
            unackedClients: 0,
          },
        },
      ],
    });
  });

  it('reports nothing, and asks no status-get, where Kea does not load the HA hook', async () => {
    const { target, asked } = await keaAnswering({
      'config-get': configWith([{ library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so' }]),
    });
    expect(await target.ha()).toBeUndefined();
    expect(asked).toEqual(['config-get']);
  });

  it('reports a failing status-get as unreadable with Kea’s own text, never healthy', async () => {
    const { target } = await keaAnswering({
      'config-get': configWith([{ library: HA_HOOK, parameters: haParams }]),
      'status-get': { result: 1, text: 'HA status unavailable' },
    });
    expect(await target.ha()).toEqual({
      kind: 'unreadable',
      reason: 'Kea status-get: HA status unavailable',
    });
  });

  it('reports an answer it cannot read as unreadable, naming what is wrong', async () => {
    const { target } = await keaAnswering({
      'config-get': configWith([{ library: HA_HOOK, parameters: haParams }]),
      'status-get': {
        result: 0,
        arguments: { 'high-availability': [{ 'ha-servers': { local: { role: 7 } } }] },
      },
    });
    const status = await target.ha();
    expect(status?.kind).toBe('unreadable');
    expect(status).toMatchObject({
      reason: expect.stringMatching(/high-availability\.0\.ha-servers\.local/),
    });
  });

  it('reports HA parameters it cannot read as unreadable, not as no HA', async () => {
    const { target, asked } = await keaAnswering({
      'config-get': configWith([
        { library: HA_HOOK, parameters: { 'high-availability': [{ mode: 'hot-standby' }] } },
      ]),
    });
    expect(await target.ha()).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringMatching(
        /HA hook's parameters are not as expected: high-availability\.0\.this-server-name/,
      ),
    });
    expect(asked).toEqual(['config-get']);
  });

  it('reports unreadable once a Kea that ran HA stops answering', async () => {
    const { target } = await keaAnswering({
      'config-get': configWith([{ library: HA_HOOK, parameters: haParams }]),
      'status-get': partnerDown,
    });
    expect((await target.ha())?.kind).toBe('reported');
    await kea?.stop();
    kea = undefined;
    // Past the shared config-get's second, so the next poll asks Kea again.
    (target as unknown as { recentConfig: undefined }).recentConfig = undefined;
    const status = await target.ha();
    expect(status).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/config-get/) });
  });

  it('shares one config-get between usage() and ha() on the same poll', async () => {
    const { target, asked } = await keaAnswering({
      'config-get': configWith([{ library: HA_HOOK, parameters: haParams }]),
      'status-get': partnerDown,
      'statistic-get-all': { result: 0, arguments: {} },
    });
    await Promise.all([target.usage(), target.ha()]);
    expect(asked.filter((c) => c === 'config-get')).toHaveLength(1);
  });
});
