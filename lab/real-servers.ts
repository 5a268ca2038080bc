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

const keaHook = (file: string) =>
  ['/usr/lib/x86_64-linux-gnu/kea/hooks', '/usr/lib/aarch64-linux-gnu/kea/hooks', '/usr/lib/kea/hooks']
    .map((d) => join(d, file))
    .find((f) => existsSync(f));
const LEASE_CMDS = keaHook('libdhcp_lease_cmds.so');
/** Kea's HA hook (Debian's kea-dhcp4-server ships it); undefined where it is not installed. */
export const KEA_HA_HOOK = keaHook('libdhcp_ha.so');

/** One server of a Kea HA relationship, as the HA hook's `peers` list names it. */
export interface KeaHaPeer {
  name: string;
  /** Where its own HTTP listener answers the partner (`http://127.0.0.1:PORT/`). */
  url: string;
  role: 'primary' | 'secondary' | 'standby' | 'backup';
}

/** Returns { dir, configFile, socketPath, leaseFile, … }. */
export interface KeaServer extends RealServer {
  configFile: string;
  socketPath: string;
  leaseFile: string;
  settings: { controlSocket: string; configFile: string };
  /**
   * Starts kea-dhcp4 again on the same config, socket and lease file after its process ended (a test
   * killed it by PID); `pid` is the new process's from then on.
   */
  restart(): Promise<void>;
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
  /**
   * Runs this server in a Kea HA relationship: the HA hook loaded with these peers, Kea's multi-threading
   * on and the hook's own HTTP listener (`http-dedicated-listener`), so the partners talk to each other
   * without kea-ctrl-agent. Heartbeats every second, and partner-down 3 s after the partner went quiet.
   */
  ha?: { thisServer: string; mode: 'hot-standby' | 'load-balancing'; peers: KeaHaPeer[] };
}

/** The HA hook's entry in hooks-libraries for KeaOptions.ha (docs/dhcp.md, "HA"). */
function haHookOf(ha: NonNullable<KeaOptions['ha']>): Record<string, unknown> {
  if (KEA_HA_HOOK === undefined) throw new Error("Kea's HA hook (libdhcp_ha.so) is not installed here");
  return {
    library: KEA_HA_HOOK,
    parameters: {
      'high-availability': [
        {
          'this-server-name': ha.thisServer,
          mode: ha.mode,
          'heartbeat-delay': 1000,
          'max-response-delay': 3000,
          'max-ack-delay': 1000,
          // No client traffic here: partner-down follows from the heartbeats alone.
          'max-unacked-clients': 0,
          'sync-timeout': 10_000,
          'multi-threading': {
            'enable-multi-threading': true,
            'http-dedicated-listener': true,
            'http-listener-threads': 1,
            'http-client-threads': 1,
          },
          peers: ha.peers.map((p) => ({ ...p, 'auto-failover': true })),
        },
      ],
    },
  };
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
      'hooks-libraries': [
        ...(LEASE_CMDS === undefined ? [] : [{ library: LEASE_CMDS }]),
        ...(opts.ha ? [haHookOf(opts.ha)] : []),
      ],
      // The HA hook's dedicated listener needs Kea's multi-threading (off by default in 2.2).
      ...(opts.ha
        ? {
            'multi-threading': {
              'enable-multi-threading': true,
              'thread-pool-size': 2,
              'packet-queue-size': 16,
            },
          }
        : {}),
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
      subnet4: opts.subnet4 ?? [],
    },
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const launch = () =>
    spawnOwned('kea-dhcp4', ['-c', configFile], {
      env: { ...process.env, KEA_PIDFILE_DIR: runDir, KEA_LOCKFILE_DIR: runDir },
    });
  const accepting = () => existsSync(socketPath) && socketAccepts(socketPath);
  let kea = launch();
  let stop = await readyOrRemoved(dir, kea, 'kea-dhcp4 to accept on its control socket', accepting);
  return {
    dir,
    configFile,
    socketPath,
    leaseFile,
    get pid() {
      return kea.pid;
    },
    settings: { controlSocket: socketPath, configFile },
    output: () => kea.output(),
    stop: () => stop(),
    restart: async () => {
      await kea.stop();
      // A killed Kea leaves its socket file behind; a new one must not be mistaken for ready by it.
      await rm(socketPath, { force: true });
      kea = launch();
      stop = await readyOrRemoved(dir, kea, 'kea-dhcp4 to accept on its control socket again', accepting);
    },
  };
}
