/**
 * The agent package's maintainer scripts (packaging/deb/), run by sh with every command they call
 * replaced by a stub that records its arguments: which users, groups and directories they make, and
 * that a remove keeps the state a purge deletes. (Installing the package for real changes the machine's
 * users; that was done by hand, docs/agent.md.)
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const scripts = join(import.meta.dirname, '..', 'packaging', 'deb');
const stubbed = [
  'getent',
  'adduser',
  'install',
  'rm',
  'deb-systemd-helper',
  'deb-systemd-invoke',
  'systemctl',
  'smt-agent',
];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-maintainer-scripts-'));
  for (const name of stubbed) {
    // getent knows what $STUB_KNOWN lists ("passwd bind", "group _kea", …); every stub logs its call.
    const body =
      name === 'getent'
        ? 'while read -r known; do [ "$known" = "$*" ] && exit 0; done < "$STUB_KNOWN"; exit 2'
        : name === 'smt-agent'
          ? 'exit "$STUB_CHECK"'
          : 'exit 0';
    await writeFile(join(dir, name), `#!/bin/sh\necho "${name} $*" >> "$STUB_LOG"\n${body}\n`);
    await chmod(join(dir, name), 0o755);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs one maintainer script with the stubs; returns the calls it made, in order. */
async function calls(script: string, args: string[], known: string[]): Promise<string[]> {
  const log = join(dir, `${script}-${args.join('-')}.log`);
  const knownFile = join(dir, 'known');
  await writeFile(log, '');
  await writeFile(knownFile, `${known.join('\n')}\n`);
  await run('/bin/sh', ['-e', join(scripts, script), ...args], {
    env: { PATH: dir, STUB_LOG: log, STUB_KNOWN: knownFile, STUB_CHECK: '2' },
  });
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

describe('postinst configure', () => {
  it('on a DDI remote: creates the user, joins bind and _kea, lets named read, makes the state 0750', async () => {
    const c = await calls('postinst', ['configure', ''], ['passwd bind', 'group bind', 'group _kea']);
    expect(c).toEqual(
      expect.arrayContaining([
        'adduser --quiet --system --group --home /var/lib/smt-agent --no-create-home --shell /usr/sbin/nologin --gecos SMT agent smt-agent',
        'adduser --quiet smt-agent bind',
        'adduser --quiet smt-agent _kea',
        'adduser --quiet bind smt-agent',
        'install -d -m 0750 -o smt-agent -g smt-agent /var/lib/smt-agent /var/lib/smt-agent/zones',
        'deb-systemd-helper enable smt-agent.service',
      ]),
    );
  });

  it('on a DHCP-only remote with the user already there: joins _kea only, adds no user', async () => {
    const c = await calls('postinst', ['configure', '0.1.0'], ['passwd smt-agent', 'group _kea']);
    expect(c.filter((l) => l.startsWith('adduser'))).toEqual(['adduser --quiet smt-agent _kea']);
    expect(c).toContain(
      'install -d -m 0750 -o smt-agent -g smt-agent /var/lib/smt-agent /var/lib/smt-agent/zones',
    );
  });
});

describe('postrm', () => {
  it('remove keeps the ledger and the state', async () => {
    const c = await calls('postrm', ['remove'], []);
    expect(c.filter((l) => l.startsWith('rm '))).toEqual([]);
    expect(c).toContain('deb-systemd-helper mask smt-agent.service');
  });

  it('purge deletes the state directory and the unit’s links', async () => {
    const c = await calls('postrm', ['purge'], []);
    expect(c).toEqual(
      expect.arrayContaining(['rm -rf /var/lib/smt-agent', 'deb-systemd-helper purge smt-agent.service']),
    );
  });
});
