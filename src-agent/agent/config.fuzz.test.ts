import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileJsonText } from '../../src-shared/protocol/testing/hostile';
import { AgentConfig, AgentConfigError, loadAgentConfig } from './config';

/** Generated cases: docs/reliability.md quotes them. */
const RUNS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'smt-agent-config-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = {
  remoteId: 'r-0001',
  brokers: [
    { name: 'primary', host: 'mq1.example.net', port: 61614 },
    { name: 'secondary', host: 'mq2.example.net', port: 61614 },
  ],
  tls: { caFile: '/etc/smt/ca.pem', certFile: '/etc/smt/r.pem', keyFile: '/etc/smt/r.key' },
  trustedSigners: ['/etc/smt/signer.pem'],
  stateDir: '/var/lib/smt-agent',
  tags: ['site:ams'],
  bind: { zoneDir: '/var/lib/smt-agent/zones', queryAddress: '127.0.0.1', rndcConf: '/etc/bind/rndc.conf' },
  kea: { controlSocket: '/run/kea/ctrl', configFile: '/etc/kea/kea-dhcp4.conf', restartCommand: ['true'] },
};

describe('the agent config file under generated content', () => {
  it(`loads a valid config and refuses anything else with each problem by field (${RUNS} cases)`, async () => {
    const file = join(dir, 'agent.json');
    await fc.assert(
      fc.asyncProperty(hostileJsonText(good), async (text) => {
        writeFileSync(file, text);
        const loaded = await loadAgentConfig(file).catch((e: unknown) => e);
        if (loaded instanceof Error) {
          expect(loaded).toBeInstanceOf(AgentConfigError);
          const { problems } = loaded as AgentConfigError;
          expect(problems.length).toBeGreaterThan(0);
          // "field.path: what to do", "(top level): …", or why the file could not be read as JSON.
          for (const p of problems)
            expect(p).toMatch(/^(\(top level\)|[^\s:]+(\.[^\s:]+)*|not valid JSON): ./s);
          expect(loaded.message).toContain(file);
        } else {
          expect(AgentConfig.safeParse(JSON.parse(text)).success).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
