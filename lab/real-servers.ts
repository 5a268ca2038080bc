/**
 * A private BIND 9 or kea-dhcp4 on this machine: its own temp dir and loopback ports (or unix socket), run
 * as a plain process and stopped by its PID. The servers of the lab's real remotes (real-remotes.ts) and
 * of the tests of the agent's targets.
 *
 *   const bind = await startBind();        // ready when `rndc status` answers
 *   await startBind({ options: 'max-zone-ttl 300;' });  // more statements for named's options block
 *   new BindTarget(bind.settings);          // settings point at this named
 *   await bind.stop();                      // SIGTERM by PID, waits for exit, removes the dir
 *
 * The settings have the shapes of the agent's BindSettings and KeaSettings (src-agent/targets), which
 * this layer may not import; the agent's config schema checks them where they are used.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnOwned, type OwnedProcess } from './owned-process';
import { freePorts } from './state';

const run = promisify(execFile);

interface RealServer {
  dir: string;
  pid: number;
  /** The server's stdout/stderr so far (named -g and kea log there), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Waits for a server to be ready and returns its stop (by PID, then its dir removed); one that does not
 * get ready within 15 s is stopped and its dir removed before the error is thrown.
 */
async function readyOrRemoved(
  dir: string,
  server: OwnedProcess,
  what: string,
  condition: () => boolean | Promise<boolean>,
): Promise<() => Promise<void>> {
  const stop = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await server.ready(what, condition, 15_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return stop;
}

/** Returns { dir, port (DNS, UDP+TCP), controlPort (rndc), statsPort (statistics-channels, JSON), … }. */
export interface BindServer extends RealServer {
  port: number;
  controlPort: number;
  statsPort: number;
  /** rndc -c file with key and default server/port. */
  rndcConf: string;
  zoneDir: string;
  settings: {
    rndcConf: string;
    zoneDir: string;
    queryAddress: string;
    queryPort: number;
    statisticsUrl: string;
  };
}

export async function startBind(opts: { options?: string } = {}): Promise<BindServer> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-bind-'));
  const zoneDir = join(dir, 'zones');
  await mkdir(zoneDir);
  const [port = 0, controlPort = 0, statsPort = 0] = await freePorts(3);
  const keyFile = join(dir, 'rndc.key');
  const { stdout: key } = await run('tsig-keygen', ['-a', 'hmac-sha256', 'rndc-key']);
  await writeFile(keyFile, key, { mode: 0o600 });
  const conf = join(dir, 'named.conf');
  await writeFile(
    conf,
    `include "${keyFile}";
options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  allow-new-zones yes;
  recursion no;
  ${opts.options ?? ''}
};
controls { inet 127.0.0.1 port ${controlPort} allow { 127.0.0.1; } keys { "rndc-key"; }; };
statistics-channels { inet 127.0.0.1 port ${statsPort} allow { 127.0.0.1; }; };
`,
  );
  const rndcConf = join(dir, 'rndc.conf');
  await writeFile(
    rndcConf,
    `include "${keyFile}";
options { default-key "rndc-key"; default-server 127.0.0.1; default-port ${controlPort}; };
`,
    { mode: 0o600 },
  );

  const named = spawnOwned('named', ['-g', '-c', conf]);
  const stop = await readyOrRemoved(dir, named, 'named to answer rndc status', () =>
    run('rndc', ['-c', rndcConf, 'status'], { timeout: 2000 }).then(
      () => true,
      () => false,
    ),
  );
  return {
    dir,
    port,
    controlPort,
    statsPort,
    rndcConf,
    zoneDir,
    pid: named.pid,
    settings: {
      rndcConf,
      zoneDir,
      queryAddress: '127.0.0.1',
      queryPort: port,
      statisticsUrl: `http://127.0.0.1:${statsPort}`,
    },
    output: named.output,
    stop,
  };
}

const LEASE_CMDS = [
  '/usr/lib/x86_64-linux-gnu/kea/hooks',
  '/usr/lib/aarch64-linux-gnu/kea/hooks',
  '/usr/lib/kea/hooks',
]
  .map((d) => join(d, 'libdhcp_lease_cmds.so'))
  .find((f) => existsSync(f));

/** Returns { dir, configFile, socketPath, leaseFile, … }. */
export interface KeaServer extends RealServer {
  configFile: string;
  socketPath: string;
  leaseFile: string;
  settings: { controlSocket: string; configFile: string };
}

/** True once something accepts connections on the unix socket: kea-dhcp4 opens it when it serves commands. */
function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** What a test may add to the private kea-dhcp4's config. */
export interface KeaOptions {
  /**
   * Interfaces to serve DHCP on (raw sockets: needs root), for tests with real clients in a network
   * namespace; none by default, so Kea binds nothing.
   */
  interfaces?: string[];
  /** Kea subnet4 entries to start with (Kea's own key names). */
  subnet4?: Record<string, unknown>[];
}

/**
 * A kea-dhcp4 with no interfaces (binds nothing, needs no root) unless `opts.interfaces` names some, a
 * private memfile lease file, pid/lock dirs and unix control socket; lease_cmds is loaded.
 */
export async function startKea(opts: KeaOptions = {}): Promise<KeaServer> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-kea-'));
  const runDir = join(dir, 'run');
  await mkdir(runDir);
  const socketPath = join(dir, 'kea4.sock');
  const leaseFile = join(dir, 'leases4.csv');
  const configFile = join(dir, 'kea-dhcp4.json');
  const config = {
    Dhcp4: {
      'interfaces-config': {
        interfaces: opts.interfaces ?? [],
        ...(opts.interfaces?.length ? { 'dhcp-socket-type': 'raw' } : {}),
      },
      'control-socket': { 'socket-type': 'unix', 'socket-name': socketPath },
      'lease-database': { type: 'memfile', name: leaseFile, 'lfc-interval': 0 },
      'hooks-libraries': LEASE_CMDS === undefined ? [] : [{ library: LEASE_CMDS }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
      subnet4: opts.subnet4 ?? [],
    },
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const kea = spawnOwned('kea-dhcp4', ['-c', configFile], {
    env: { ...process.env, KEA_PIDFILE_DIR: runDir, KEA_LOCKFILE_DIR: runDir },
  });
  const stop = await readyOrRemoved(
    dir,
    kea,
    'kea-dhcp4 to accept on its control socket',
    () => existsSync(socketPath) && socketAccepts(socketPath),
  );
  return {
    dir,
    configFile,
    socketPath,
    leaseFile,
    pid: kea.pid,
    settings: { controlSocket: socketPath, configFile },
    output: kea.output,
    stop,
  };
}
