import { describe, expect, it } from 'vitest';
import { AgentConfigError, parseAgentConfig } from './config';

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
});
