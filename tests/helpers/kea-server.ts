/**
 * A private kea-dhcp4 for one test file: its own temp dir, no interfaces (binds nothing, needs no
 * root), a private memfile lease file, pid/lock dirs and unix control socket; lease_cmds is loaded.
 *
 *   const kea = await startKea();          // in beforeAll; ready when the control socket answers
 *   new KeaTarget(kea.settings);            // settings point at this kea-dhcp4
 *   await kea.stop();                       // in afterAll: SIGTERM by PID, waits for exit, removes the dir
 *
 * Returns { dir, configFile, socketPath, leaseFile, pid, settings, output(), stop() }.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keaCommand } from '../../src-agent/targets/kea-control';
import type { KeaSettings } from '../../src-agent/targets/kea';
import { spawnOwned } from './owned-process';

const LEASE_CMDS = [
  '/usr/lib/x86_64-linux-gnu/kea/hooks',
  '/usr/lib/aarch64-linux-gnu/kea/hooks',
  '/usr/lib/kea/hooks',
]
  .map((d) => join(d, 'libdhcp_lease_cmds.so'))
  .find((f) => existsSync(f));

export interface KeaServer {
  dir: string;
  configFile: string;
  socketPath: string;
  leaseFile: string;
  pid: number;
  settings: KeaSettings;
  /** kea-dhcp4's log so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startKea(): Promise<KeaServer> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-kea-'));
  const runDir = join(dir, 'run');
  await mkdir(runDir);
  const socketPath = join(dir, 'kea4.sock');
  const leaseFile = join(dir, 'leases4.csv');
  const configFile = join(dir, 'kea-dhcp4.json');
  const config = {
    Dhcp4: {
      'interfaces-config': { interfaces: [] },
      'control-socket': { 'socket-type': 'unix', 'socket-name': socketPath },
      'lease-database': { type: 'memfile', name: leaseFile, 'lfc-interval': 0 },
      'hooks-libraries': LEASE_CMDS === undefined ? [] : [{ library: LEASE_CMDS }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
      subnet4: [],
    },
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const kea = spawnOwned('kea-dhcp4', ['-c', configFile], {
    env: { ...process.env, KEA_PIDFILE_DIR: runDir, KEA_LOCKFILE_DIR: runDir },
  });
  const stop = async () => {
    await kea.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await kea.ready(
      'kea-dhcp4 to answer on its control socket',
      () =>
        existsSync(socketPath) &&
        keaCommand(socketPath, 'version-get', undefined, 2000).then(
          (a) => a.result === 0,
          () => false,
        ),
      15_000,
    );
  } catch (e) {
    await stop();
    throw e;
  }
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
