import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginCheck } from './plugin-build';

/**
 * The plugin's ClosingConnectionGuard in an embedded ActiveMQ (Debian's jars): a CONNECT serviced after
 * its connection stopped. The control shows the broker's own fault, so the guarded run cannot pass by a
 * broker that no longer has it.
 */
describe('closing connection guard', () => {
  let check: Awaited<ReturnType<typeof pluginCheck>>;
  beforeAll(async () => {
    check = await pluginCheck('io.smtconsole.broker.ClosingConnectionGuardCheck');
  }, 120_000);
  afterAll(async () => {
    await check?.remove();
  });

  it('without it, ActiveMQ keeps a connection and a consumer for a CONNECT read before its socket closed', async () => {
    expect(await check.run('control')).toBe(
      'ok: control: a CONNECT serviced after its connection stopped was taken; the broker keeps 1 connection(s) and 1 consumer(s) on the queue',
    );
  }, 60_000);

  it('with it, that CONNECT is refused and the broker keeps nothing of it', async () => {
    expect(await check.run('guarded')).toBe(
      'ok: guarded: a CONNECT serviced after its connection stopped was refused; the broker keeps 0 connection(s) and 0 consumer(s) on the queue',
    );
  }, 60_000);
});
