/**
 * A DHCP client's network of its own: a network namespace and a veth pair, the host end for a kea-dhcp4
 * to serve on, the other end inside the namespace for busybox's udhcpc. Needs root (ip netns, raw sockets).
 *
 *   const net = await DhcpNetns.create('10.213.7.1/24');
 *   await startKea({ interfaces: [net.hostIf], subnet4: [...] });
 *   const ip = await net.lease({ mac: '52:54:00:5e:a5:01', hostname: 'client-a' });
 *   await net.remove();
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export class DhcpNetns {
  private constructor(
    readonly ns: string,
    /** The host end of the veth pair: kea-dhcp4 serves on it. */
    readonly hostIf: string,
    /** The end inside the namespace: the client's interface. */
    readonly clientIf: string,
    private readonly dir: string,
  ) {}

  /** Whether this machine can make one (root, `ip`, busybox with udhcpc), and why not. */
  static async unavailable(): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return 'needs root for ip netns and raw sockets';
    try {
      await exec('ip', ['-V']);
      await exec('busybox', ['udhcpc', '--help']).catch((e: { stderr?: string }) => {
        // busybox prints an applet's help on stderr and exits 1; no such applet is the failure.
        if (!/udhcpc/.test(e.stderr ?? '')) throw e;
      });
    } catch {
      return 'needs iproute2 and busybox (udhcpc); scripts/bootstrap.mjs installs them';
    }
    return undefined;
  }

  /** A namespace and veth pair named after this process (interface names: at most 15 characters). */
  static async create(hostAddress: string): Promise<DhcpNetns> {
    const tag = `${process.pid % 100_000}`;
    const net = new DhcpNetns(
      `smt-dhcp-${tag}`,
      `smtd${tag}h`,
      `smtd${tag}c`,
      await mkdtemp(join(tmpdir(), 'smt-dhcp-netns-')),
    );
    try {
      await exec('ip', ['netns', 'add', net.ns]);
      await exec('ip', ['link', 'add', net.hostIf, 'type', 'veth', 'peer', 'name', net.clientIf]);
      await exec('ip', ['link', 'set', net.clientIf, 'netns', net.ns]);
      await exec('ip', ['addr', 'add', hostAddress, 'dev', net.hostIf]);
      await exec('ip', ['link', 'set', net.hostIf, 'up']);
      await net.inside('ip', 'link', 'set', 'lo', 'up');
      // Both ends up before Kea starts: Kea opens sockets only on interfaces that are up and running
      // (carrier), and a veth end has carrier only while its peer is up.
      await net.inside('ip', 'link', 'set', net.clientIf, 'up');
      // udhcpc's event script: writes the address it was given, so a test knows what the client got.
      await writeFile(
        join(net.dir, 'event.sh'),
        '#!/bin/sh\n[ "$1" = bound ] && echo "$ip" > "$SMT_LEASE_OUT"\nexit 0\n',
      );
      await chmod(join(net.dir, 'event.sh'), 0o755);
    } catch (e) {
      await net.remove();
      throw e;
    }
    return net;
  }

  private inside(...command: string[]) {
    return exec('ip', ['netns', 'exec', this.ns, ...command], { timeout: 30_000 });
  }

  /**
   * One DHCP client: the namespace's interface takes `mac`, then udhcpc asks for a lease sending
   * `hostname` (option 12) and exits once it has one (-q) or gave up (-n). Returns the address it got.
   */
  async lease(client: { mac: string; hostname: string }): Promise<string> {
    // A veth takes a new MAC while up; taking it down would drop the host end's carrier under Kea.
    await this.inside('ip', 'link', 'set', this.clientIf, 'address', client.mac);
    const out = join(this.dir, `${client.hostname}.ip`);
    await exec(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        'busybox',
        'udhcpc',
        '-f',
        '-q',
        '-n',
        '-t',
        '10',
        '-T',
        '1',
        '-i',
        this.clientIf,
        '-s',
        join(this.dir, 'event.sh'),
        '-x',
        `hostname:${client.hostname}`,
      ],
      { timeout: 30_000, env: { ...process.env, SMT_LEASE_OUT: out } },
    );
    return (await readFile(out, 'utf8')).trim();
  }

  /** Deletes the namespace (and with it the veth pair) and the scratch dir; safe to call twice. */
  async remove(): Promise<void> {
    await exec('ip', ['link', 'del', this.hostIf]).catch(() => undefined);
    await exec('ip', ['netns', 'del', this.ns]).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
