/**
 * A private BIND 9 for one test file: its own temp dir, loopback high ports, rndc key and zone dir.
 *
 *   const bind = await startBind();        // in beforeAll; ready when `rndc status` answers
 *   await startBind({ options: 'max-zone-ttl 300;' });  // more statements for named's options block
 *   new BindTarget(bind.settings);          // settings point at this named
 *   await bind.stop();                      // in afterAll: SIGTERM by PID, waits for exit, removes the dir
 *
 * Returns { dir, port (DNS, UDP+TCP), controlPort (rndc), statsPort (statistics-channels, JSON),
 * rndcConf (rndc -c file with key and default server/port), zoneDir, pid, settings, stop() }.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from '../../lab/state';
import type { BindSettings } from '../../src-agent/targets/bind';
import { spawnOwned } from './owned-process';

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
  const stop = async () => {
    await named.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await named.ready(
      'named to answer rndc status',
      () =>
        run('rndc', ['-c', rndcConf, 'status'], { timeout: 2000 }).then(
          () => true,
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
