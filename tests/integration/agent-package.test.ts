/**
 * The agent's Debian package (`npm run package:agent`, scripts/package-agent.ts): lintian finds no error
 * or warning, systemd accepts its unit, its Depends name the packages that hold the tools the agent runs,
 * and the package unpacked into a temporary root (`dpkg-deb -x`) runs its own /usr/bin/smt-agent against
 * a lab and a real named, and takes a push from a console's push engine that `dig` then sees served.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE, buildAgentDeb, installed } from '../../scripts/package-agent';
import { parseSelector } from '../../src-shared/config/selector';
import { waitFor } from '../../src-node/smt/testing/wait';
import { writeLabAgentConfig } from '../helpers/agent-process';
import { startBind, type BindServer } from '../../lab/real-servers';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { spawnOwned, type OwnedProcess } from '../../lab/owned-process';
import { mountTmpfs } from '../helpers/tmpfs';
import { fleetZoneText, startPushConsole, type PushConsole } from '../helpers/push-console';

const run = promisify(execFile);
const RID = 'r-0522';
let tmp = '';
let deb = '';
let root = '';
let lab: LabFixture | undefined;
let bind: BindServer | undefined;
let pc: PushConsole | undefined;
let agent: OwnedProcess | undefined;

/** Exit code, stdout and stderr, whether the command succeeded or not. */
async function outcome(
  file: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** A deb822 paragraph (DEBIAN/control): field → value, continuation lines joined. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  let last = '';
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) map.set((last = m[1]), m[2] ?? '');
    else if (line.startsWith(' ') && last) map.set(last, `${map.get(last) ?? ''}\n${line.trim()}`);
  }
  return map;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'smt-agent-package-'));
  deb = await buildAgentDeb(join(tmp, 'out'));
  root = join(tmp, 'root');
  await run('dpkg-deb', ['-x', deb, root]);
  lab = await startLab();
  bind = await startBind();
  pc = await startPushConsole(lab.opts, join(tmp, 'console.db'));
}, 180_000);

afterAll(async () => {
  await agent?.stop('SIGKILL');
  await pc?.stop();
  await bind?.stop();
  await lab?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe(`the ${PACKAGE} Debian package`, () => {
  it('is named for its version and architecture-independent', async () => {
    const { version } = JSON.parse(
      await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(deb.endsWith(`/${PACKAGE}_${version}_all.deb`)).toBe(true);
    const control = fields((await run('dpkg-deb', ['-f', deb])).stdout);
    expect(control.get('Version')).toBe(version);
    expect(control.get('Architecture')).toBe('all');
  });

  it('lintian reports no error and no warning', async () => {
    // --pedantic shows every tag lintian has; warnings are fixed, or overridden with a reason. One info tag
    // stays: package-supports-alternative-init-but-no-init.d-script — the agent ships a systemd unit only
    // (a remote without systemd runs `smt-agent run` under its own supervisor, docs/agent.md).
    const r = await outcome('lintian', ['--pedantic', '--display-info', deb]);
    const tags = r.stdout.split('\n').filter((l) => /^[EW]: /.test(l));
    expect(tags).toEqual([]);
    expect(r.code).toBe(0);
  }, 120_000);

  it('Depends names the package of every tool the agent runs, and a server is only recommended', async () => {
    const control = fields((await run('dpkg-deb', ['-f', deb])).stdout);
    const depends = (control.get('Depends') ?? '').split(',').map((d) => d.trim().split(' ')[0]);
    expect(control.get('Depends')).toMatch(/(^|, )nodejs \(>= 20\.18\)/);
    // The programs src-agent/targets runs (bind.ts: named-checkzone, rndc; dns-query.ts: dig).
    for (const tool of ['named-checkzone', 'rndc', 'dig']) {
      // A pattern, not the PATH's path: on a merged /usr, /bin/dig is dpkg's /usr/bin/dig.
      const { stdout } = await run('dpkg', ['-S', `*bin/${tool}`]);
      const owners = stdout
        .split('\n')
        .filter((l) => l.endsWith(`bin/${tool}`))
        .map((l) => l.split(':')[0]);
      expect(owners.length, tool).toBeGreaterThan(0);
      for (const owner of owners) expect(depends, `${tool} comes from ${owner}`).toContain(owner);
    }
    expect(depends).not.toContain('bind9');
    expect(control.get('Recommends')).toBe('bind9 | kea-dhcp4-server');
    // The config is a conffile: an upgrade keeps the admin's edits.
    const conffiles = (await run('dpkg-deb', ['-I', deb, 'conffiles'])).stdout;
    expect(conffiles.split('\n').filter(Boolean)).toEqual([`/${installed.config}`]);
  });

  it('systemd-analyze verify accepts the unit, finding ExecStart in the unpacked package', async () => {
    // --recursive-errors=no: the unpacked root holds no sysinit.target etc.; the unit itself is checked.
    const r = await outcome('systemd-analyze', [
      'verify',
      '--man=no',
      '--recursive-errors=no',
      `--root=${root}`,
      join(root, installed.unit),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('systemd-analyze security rates the unit’s exposure at most 1.9, in its "OK" band', async () => {
    // What is left open and why: the network (its job), AF_NETLINK, MemoryDenyWriteExecute and /proc
    // (the unit's comments); @system-service is the syscall allow list Node is known to run under.
    const args = ['security', '--offline=yes', `--root=${root}`, join(root, installed.unit)];
    const r = await outcome('systemd-analyze', [...args, '--threshold=19']);
    expect(r.stdout).toMatch(/Overall exposure level for smt-agent\.service: 1\.\d OK/);
    expect(r.code).toBe(0);
  });

  it('the unit runs the agent hardened, writing only its state directory', async () => {
    const unit = new Map<string, string[]>();
    for (const line of (await readFile(join(root, installed.unit), 'utf8')).split('\n')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (m?.[1] !== undefined) unit.set(m[1], [...(unit.get(m[1]) ?? []), m[2] ?? '']);
    }
    const one = (key: string) => unit.get(key)?.join(' ');
    expect(one('User')).toBe('smt-agent');
    expect(one('ExecStartPre')).toBe('/usr/bin/smt-agent check --config /etc/smt-agent/agent.json');
    expect(one('ExecStart')).toBe('/usr/bin/smt-agent run --config /etc/smt-agent/agent.json');
    expect(one('StateDirectory')).toBe('smt-agent');
    for (const [key, value] of Object.entries({
      ProtectSystem: 'strict',
      NoNewPrivileges: 'yes',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateMounts: 'yes',
      CapabilityBoundingSet: '',
      MemoryDenyWriteExecute: 'no',
    })) {
      expect(one(key), key).toBe(value);
    }
    expect(one('RestrictAddressFamilies')?.split(' ').sort()).toEqual([
      'AF_INET',
      'AF_INET6',
      'AF_NETLINK',
      'AF_UNIX',
    ]);
    // Groups come from postinst when they exist; a missing one here would fail the unit.
    for (const absent of ['SupplementaryGroups', 'ReadWritePaths', 'DynamicUser']) {
      expect(unit.has(absent), absent).toBe(false);
    }
  });

  it('the unpacked agent refuses the packaged example config, saying what to do', async () => {
    const r = await outcome(join(root, installed.bin), ['check', '--config', join(root, installed.config)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'is the packaged example: set remoteId, brokers and tls (docs/agent.md, "Enrol")',
    );
  });

  it('a zoneDir the agent cannot write stops it at start, saying where zones go', async () => {
    // What ProtectSystem=strict makes of a zoneDir outside the state directory: a read-only file system.
    const disk = await mountTmpfs(1 << 20);
    try {
      disk.readOnly(true);
      const l = lab as LabFixture;
      const work = await mkdtemp(join(tmp, 'ro-'));
      const settings = { ...(bind as BindServer).settings, zoneDir: disk.dir };
      const config = await writeLabAgentConfig(l.opts, RID, work, { bind: settings });
      const r = await outcome(join(root, installed.bin), ['run', '--config', config]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`bind.zoneDir ${disk.dir} cannot be written (EROFS)`);
      expect(r.stderr).toContain(`under the state directory (e.g. ${join(work, 'state', 'zones')})`);
    } finally {
      await disk.unmount();
    }
  });

  it('the unpacked agent runs against the lab and named, and takes a pushed zone', async () => {
    const l = lab as LabFixture;
    const b = bind as BindServer;
    const config = await writeLabAgentConfig(l.opts, RID, tmp, { bind: b.settings });
    agent = spawnOwned(join(root, installed.bin), ['run', '--config', config]);
    await agent.ready(
      'the packaged agent to connect',
      () => (agent as OwnedProcess).output().includes(`remote ${RID} connected to primary`),
      60_000,
    );
    // /usr/bin/smt-agent exec'd node on the package's own bundle, not anything of this checkout.
    const cmdline = (await readFile(`/proc/${agent.pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline[1]).toBe(`${root}/usr/bin/../lib/smt-agent/smt-agent.mjs`);

    const console = pc as PushConsole;
    await waitFor(
      `the hello of ${RID}`,
      () => console.core.fleet.selectable().some((r) => r.id === RID && r.capabilities.includes('dns')),
      30_000,
    );
    const serial = 2026120701;
    const { push } = console.engine.push({
      object: { kind: 'zone', name: 'pkg.test' },
      payload: { format: 'zone-text', text: fleetZoneText(serial) },
      selector: parseSelector(RID),
      author: 'agent package test',
    });
    expect(push.targets).toEqual([RID]);
    await waitFor(
      'the packaged agent to apply the zone',
      () => console.engine.progress(push.id).summary.counts.applied === 1,
      30_000,
    );
    const soa = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(b.port),
      '+short',
      '+time=2',
      '+tries=1',
      'pkg.test',
      'SOA',
    ]);
    expect(soa.stdout.trim().split(' ')[2]).toBe(String(serial));

    await agent.stop();
    expect(await agent.exited).toBe(0);
    expect(agent.output()).toContain(`SIGTERM: saying goodbye for remote ${RID}`);
  });
});
