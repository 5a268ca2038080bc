import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginCheck } from './plugin-build';

/**
 * The identity plugin's pure rules (DestinationRules, ConsoleQueues) against Debian's ActiveMQ classes:
 * what a console and a remote may consume, and which virtual-topic queues the consoles group needs.
 * The cases are in broker/plugin/test/…/DestinationRulesCheck.java; a failed one is printed by name.
 */
describe('destination rules', () => {
  let check: Awaited<ReturnType<typeof pluginCheck>>;
  beforeAll(async () => {
    check = await pluginCheck('io.smtconsole.broker.DestinationRulesCheck');
  }, 120_000);
  afterAll(async () => {
    await check?.remove();
  });

  it('lets a console consume only its own queues, and keeps remotes to theirs', async () => {
    const lines = await check.output();
    expect(lines.filter((l) => l.startsWith('FAILED: '))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^ok: (\d+) of \1 destination rule cases hold$/);
  }, 60_000);
});
