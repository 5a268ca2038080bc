/**
 * A private BIND 9 for one test file: its own temp dir, loopback high ports, rndc key and zone dir.
 *
 *   const bind = await startBind();        // in beforeAll; ready when `rndc status` answers
 *   new BindTarget(bind.settings);          // settings point at this named
 *   await bind.stop();                      // in afterAll: SIGTERM by PID, waits for exit, removes the dir
 *
 * Returns { dir, port (DNS, UDP+TCP), controlPort (rndc), statsPort (statistics-channels, JSON),
 * rndcConf (rndc -c file with key and default server/port), zoneDir, pid, settings, stop() }.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from '../../lab/state';
import { waitFor } from '../../src-node/smt/testing/wait';
import type { BindSettings } from '../../src-agent/targets/bind';

const run = promisify(execFile);

export interface BindServer {
  dir: string;
  port: number;
  controlPort: number;
  statsPort: number;
  rndcConf: string;
  zoneDir: string;
  pid: number;
  settings: BindSettings;
  /** named's stdout/stderr so far (-g logs there), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startBind(): Promise<BindServer> {
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

  const child = spawn('named', ['-g', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));

  const stop = async () => {
    if (alive && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (child.pid === undefined) throw new Error('named did not start (is bind9 installed?)');
    await waitFor(
      'named to answer rndc status',
      async () => {
        if (!alive) throw new Error(`named exited during start:\n${log}`);
        try {
          await run('rndc', ['-c', rndcConf, 'status'], { timeout: 2000 });
          return true;
        } catch {
          return false;
        }
      },
      15_000,
      50,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir,
    port,
    controlPort,
    statsPort,
    rndcConf,
    zoneDir,
    pid: child.pid,
    settings: {
      rndcConf,
      zoneDir,
      queryAddress: '127.0.0.1',
      queryPort: port,
      statisticsUrl: `http://127.0.0.1:${statsPort}`,
    },
    output: () => log,
    stop,
  };
}
