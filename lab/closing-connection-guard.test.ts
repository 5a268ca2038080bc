import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activemq, brokerTemplates } from './paths';
import { ensurePluginJar } from './plugin-build';

const run = promisify(execFile);
const check = 'io.smtconsole.broker.ClosingConnectionGuardCheck';

/**
 * The plugin's ClosingConnectionGuard in an embedded ActiveMQ (Debian's jars): a CONNECT serviced after
 * its connection stopped. The control shows the broker's own fault, so the guarded run cannot pass by a
 * broker that no longer has it.
 */
describe('closing connection guard', () => {
  let classes: string;
  let classpath: string;
  beforeAll(async () => {
    classes = await mkdtemp(join(tmpdir(), 'smt-guard-check-'));
    classpath = `${await ensurePluginJar()}:${activemq.lib}/*`;
    const source = join(brokerTemplates.pluginTest, ...check.split('.')) + '.java';
    await run('javac', ['--release', '11', '-Xlint:all', '-Werror', '-d', classes, '-cp', classpath, source]);
  }, 120_000);
  afterAll(async () => {
    await rm(classes, { recursive: true, force: true });
  });

  const runCheck = async (mode: 'control' | 'guarded') => {
    const { stdout } = await run('java', ['-cp', `${classes}:${classpath}`, check, mode]).catch(
      (e: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`${check} ${mode} failed: ${e.stdout ?? ''}${e.stderr ?? e.message}`);
      },
    );
    return stdout.split('\n').find((l) => l.startsWith('ok: ') || l.startsWith('FAILED: '));
  };

  it('without it, ActiveMQ keeps a connection and a consumer for a CONNECT read before its socket closed', async () => {
    expect(await runCheck('control')).toBe(
      'ok: control: a CONNECT serviced after its connection stopped was taken; the broker keeps 1 connection(s) and 1 consumer(s) on the queue',
    );
  }, 60_000);

  it('with it, that CONNECT is refused and the broker keeps nothing of it', async () => {
    expect(await runCheck('guarded')).toBe(
      'ok: guarded: a CONNECT serviced after its connection stopped was refused; the broker keeps 0 connection(s) and 0 consumer(s) on the queue',
    );
  }, 60_000);
});
