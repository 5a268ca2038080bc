import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, PACKAGED_EXAMPLE_KEY, loadAgentConfig, parseAgentConfig } from './config';

const good = {
  remoteId: 'dns-fra1-01',
  brokers: [
    { name: 'primary', host: 'mq1.example.net', port: 61614 },
    { name: 'secondary', host: 'mq2.example.net', port: 61614 },
  ],
  tls: {
    caFile: '/etc/smt-agent/ca.pem',
    certFile: '/etc/smt-agent/agent.pem',
    keyFile: '/etc/smt-agent/agent.key',
  },
  stateDir: '/var/lib/smt-agent',
  bind: { zoneDir: '/var/lib/smt-agent/zones', queryAddress: '127.0.0.1', rndcConf: '/etc/bind/rndc.conf' },
  kea: { controlSocket: '/run/kea/kea4-ctrl-socket', configFile: '/etc/kea/kea-dhcp4.conf' },
};

const problems = (json: unknown): string[] => {
  try {
    parseAgentConfig(json);
  } catch (e) {
    if (e instanceof AgentConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('agent config', () => {
  it('accepts a complete config and fills the defaults', () => {
    const c = parseAgentConfig(good);
    expect(c.statsIntervalMs).toBe(5000);
    expect(c.bind?.queryPort).toBe(53);
    expect(c.trustedSigners).toEqual([]);
  });

  it('reports every mistake by field, with what to do', () => {
    const p = problems({
      ...good,
      remoteId: 'DNS_1',
      brokers: [{ name: 'secondary', host: 'mq2', port: 70000 }],
      tls: { caFile: 'ca.pem', certFile: '/etc/x.pem' },
      stateDir: '',
      statsIntervalMs: 10,
      bind: { ...good.bind, queryAddress: 'localhost' },
      kea: { controlSocket: '/run/kea.sock', configFile: '/etc/kea.conf', restartCommand: [] },
      colour: 'blue',
    });
    const fields = p.map((x) => x.split(':')[0]);
    expect(fields).toEqual(
      expect.arrayContaining([
        'remoteId',
        'brokers.0.port',
        'brokers',
        'tls.caFile',
        'tls.keyFile',
        'stateDir',
        'statsIntervalMs',
        'bind.queryAddress',
        'kea.restartCommand',
        '(top level)',
      ]),
    );
    expect(p.find((x) => x.startsWith('tls.caFile'))).toMatch(/absolute path/);
    expect(p.find((x) => x.startsWith('brokers:'))).toMatch(/named "primary"/);
    expect(p.find((x) => x.startsWith('(top level)'))).toMatch(/colour.*check its spelling/);
    expect(problems({ ...good, bind: { ...good.bind, rndcKeyFile: '/etc/bind/rndc.key' } })).toEqual([
      'bind.rndcKeyFile: give either rndcConf or rndcKeyFile (with rndcServer / rndcPort), not both',
    ]);
  });

  it("takes the served inventory's Kea poll interval, within bounds", () => {
    expect(parseAgentConfig({ ...good, kea: { ...good.kea, changePollMs: 500 } }).kea?.changePollMs).toBe(
      500,
    );
    expect(parseAgentConfig(good).kea?.changePollMs).toBeUndefined();
    expect(problems({ ...good, kea: { ...good.kea, changePollMs: 10 } })).toEqual([
      'kea.changePollMs: changePollMs is at least 100 (ms)',
    ]);
  });

  describe('the example the Debian package installs (packaging/deb/agent.json)', () => {
    const example = join(import.meta.dirname, '..', '..', 'packaging', 'deb', 'agent.json');
    const refusal = (file: string) =>
      loadAgentConfig(file).then(
        () => [],
        (e: unknown) => (e instanceof AgentConfigError ? e.problems : Promise.reject(e)),
      );

    it('is refused as it stands, saying what to fill in and where the docs say how', async () => {
      expect(await refusal(example)).toEqual([
        `${example} is the packaged example: set remoteId, brokers and tls (docs/agent.md, "Enrol"), ` +
          `then delete its "${PACKAGED_EXAMPLE_KEY}" line`,
      ]);
    });

    it('is a valid config once that line is gone (it follows the schema as it changes)', async () => {
      const json = JSON.parse(await readFile(example, 'utf8')) as Record<string, unknown>;
      const configured = Object.fromEntries(Object.entries(json).filter(([k]) => k !== PACKAGED_EXAMPLE_KEY));
      expect(parseAgentConfig(configured)).toMatchObject({
        stateDir: '/var/lib/smt-agent',
        // Zones only under the state directory: the one place the unit lets the agent write.
        bind: { zoneDir: '/var/lib/smt-agent/zones' },
      });
    });

    it('a missing config file says where the example comes from', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'smt-agent-config-'));
      try {
        const missing = join(dir, 'agent.json');
        expect(await refusal(missing)).toEqual([
          expect.stringMatching(
            /^no such file: write the agent config there .*\/etc\/smt-agent\/agent\.json/,
          ),
        ]);
        await writeFile(missing, '[]');
        expect((await refusal(missing))[0]).toMatch(/^\(top level\)/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
