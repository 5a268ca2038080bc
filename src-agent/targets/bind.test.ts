import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BindTarget, normalizeZoneName, zoneOfFile } from './bind';
import { waitFor } from '../../src-node/smt/testing/wait';

describe('zone names', () => {
  it('normalizes case and the trailing dot', () => {
    expect(normalizeZoneName('Example.TEST.')).toBe('example.test');
    expect(normalizeZoneName('2.0.192.in-addr.arpa')).toBe('2.0.192.in-addr.arpa');
  });
  it('refuses anything that could reach a path or a config statement', () => {
    for (const bad of ['', '.', '../etc', 'a/b', 'a b', 'x"; };', 'a..b', `${'a'.repeat(64)}.test`]) {
      expect(normalizeZoneName(bad), bad).toBeUndefined();
    }
  });
});

/**
 * Rollback paths that a healthy named never takes, driven with stand-in rndc and dig programs (the real
 * named-checkzone still validates): each stand-in logs its arguments and answers as scripted.
 */
describe('BindTarget rollback', () => {
  let dir = '';
  let zoneDir = '';
  const zone = (serial: number) => `$TTL 300
@ IN SOA ns1.example.test. hostmaster.example.test. ${serial} 3600 600 86400 300
@ IN NS ns1.example.test.
ns1 IN A 192.0.2.1
`;

  async function standIns(rndc: string, servedSerial: number): Promise<BindTarget> {
    await writeFile(join(dir, 'rndc'), `#!/bin/sh\necho "$*" >> ${dir}/rndc.log\n${rndc}\n`);
    await writeFile(
      join(dir, 'dig'),
      `#!/bin/sh\necho "ns1.example.test. hostmaster.example.test. ${servedSerial} 3600 600 86400 300"\n`,
    );
    await chmod(join(dir, 'rndc'), 0o755);
    await chmod(join(dir, 'dig'), 0o755);
    return new BindTarget({
      zoneDir,
      queryAddress: '127.0.0.1',
      queryPort: 53,
      rndc: join(dir, 'rndc'),
      dig: join(dir, 'dig'),
      confirmTimeoutMs: 200,
    });
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-bind-unit-'));
    zoneDir = join(dir, 'zones');
    await mkdir(zoneDir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('restores and reloads the last good file when the new serial is never served', async () => {
    const file = join(zoneDir, 'example.test.zone');
    await writeFile(file, zone(1));
    const target = await standIns(
      `case "$1" in showzone) echo 'zone "example.test" { type primary; file "${file}"; };';; esac\nexit 0`,
      1,
    );
    const outcome = await target.upsertZone('example.test', zone(2));
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/did not serve serial 2 .*served: 1.*previous zone was restored/),
    });
    // Rolled back: named is seen serving the previous serial again.
    expect(outcome).toMatchObject({
      rolledBack: true,
      reason: expect.stringMatching(/named serves serial 1 again$/),
    });
    expect(await readFile(file, 'utf8')).toBe(zone(1));
    const log = await readFile(join(dir, 'rndc.log'), 'utf8');
    expect(log.split('\n').filter((l) => l === 'reload example.test')).toHaveLength(2);
  });

  it('fails with both reasons when restoring is refused too', async () => {
    const file = join(zoneDir, 'example.test.zone');
    await writeFile(file, zone(1));
    // The first reload (the new zone) is taken; the second (the rollback) is refused.
    const target = await standIns(
      `case "$1" in showzone) echo 'zone "example.test" { type primary; file "${file}"; };';;
reload) if [ "$(grep -c '^reload' ${dir}/rndc.log)" -gt 1 ]; then echo "rndc: 'reload' failed: out of memory" >&2; exit 1; fi;; esac`,
      1,
    );
    const outcome = await target.upsertZone('example.test', zone(2));
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /did not serve serial 2 .*; restoring the previous zone failed: .*reload example.test: rndc: 'reload' failed: out of memory/,
      ),
    });
  });

  it("removes a new zone's file when rndc addzone fails, with rndc's message", async () => {
    const target = await standIns(
      `case "$1" in showzone) echo "rndc: 'showzone' failed: not found" >&2; exit 1;;
addzone) echo "rndc: 'addzone' failed: permission denied" >&2; exit 1;; esac`,
      0,
    );
    const outcome = await target.upsertZone('example.test', zone(1));
    expect(outcome).toEqual({ ok: false, reason: "rndc: 'addzone' failed: permission denied" });
    expect(existsSync(join(zoneDir, 'example.test.zone'))).toBe(false);
  });

  it('refuses to take over a zone named loads from another file', async () => {
    const target = await standIns(
      `echo 'zone "example.test" { type primary; file "/etc/bind/db.example"; };'`,
      1,
    );
    expect(await target.upsertZone('example.test', zone(2))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/configured in named with file \/etc\/bind\/db.example/),
    });
  });

  it('refuses a zone directory that could break the addzone statement', () => {
    for (const zoneDir of ['zones', '/var/x"y', '/var/a b', '/var/a;b']) {
      expect(() => new BindTarget({ zoneDir, queryAddress: '127.0.0.1', queryPort: 53 }), zoneDir).toThrow(
        /zoneDir/,
      );
    }
  });

  it('says which program is missing', async () => {
    const target = new BindTarget({
      zoneDir,
      queryAddress: '127.0.0.1',
      queryPort: 53,
      rndc: join(dir, 'nope'),
    });
    await expect(target.reload()).rejects.toThrow(/nope not found/);
  });
});

describe('BindTarget change signal', () => {
  it("counts only zone files, not the agent's temp files or .last-good copies", () => {
    expect(zoneOfFile('example.test.zone')).toBe('example.test');
    expect(zoneOfFile('.example.test.0a1b2c3d.tmp')).toBeUndefined();
    expect(zoneOfFile('example.test.zone.last-good')).toBeUndefined();
    expect(zoneOfFile('example.test.zone.jnl')).toBeUndefined();
    expect(zoneOfFile('_default.nzd')).toBeUndefined();
  });

  it('signals a zone file written by hand (inotify), and stops when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smt-bind-watch-'));
    try {
      const target = new BindTarget({ zoneDir: dir, queryAddress: '127.0.0.1', queryPort: 1 });
      let signals = 0;
      const stop = target.watch(() => signals++);
      await writeFile(join(dir, 'example.test.zone'), '; by hand\n');
      await waitFor('the change signal', () => signals > 0);
      stop();
      const before = signals;
      await writeFile(join(dir, 'example.test.zone'), '; again\n');
      await new Promise((r) => setTimeout(r, 400));
      expect(signals).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
