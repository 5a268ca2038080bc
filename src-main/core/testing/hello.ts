import type { Body } from '../../../src-shared/protocol';

/** A simulated remote's hello, as the fleet and store tests need one; `over` changes parts of it. */
export const helloBody = (id: string, over: Partial<Body<'hello'>> = {}): Body<'hello'> => ({
  agent: { version: '0.1.0', mode: 'simulated' },
  host: {
    hostname: `dns-${id}.lab.example`,
    ips: ['10.0.0.1'],
    serviceTag: 'SIM-1',
    os: 'Debian GNU/Linux 12',
    kernel: '6.1.0-21-amd64',
  },
  capabilities: ['dns'],
  tags: ['site:lab'],
  statsIntervalMs: 5000,
  presenceIntervalMs: 1000,
  ...over,
});
