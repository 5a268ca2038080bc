import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { connect } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import { activemq, type BrokerName, type LabLayout } from './paths';
import { pidAlive, processArgs } from './process';
import type { LabState } from './state';

export interface ClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/**
 * True when a full TLS handshake with a client certificate succeeds: the broker holds the store lock and
 * listens. A standby broker opens no port at all, so it refuses quickly.
 */
export function tlsAccepts(host: string, port: number, tls: ClientTls, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...tls, minVersion: 'TLSv1.2' });
    let ok = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(done, timeoutMs);
    // A graceful close (close_notify, then wait for the broker's) keeps the broker's log free of warnings.
    socket.once('secureConnect', () => {
      ok = true;
      socket.end();
    });
    socket.once('close', done);
    socket.once('error', done);
  });
}

const baseArg = (layout: LabLayout, name: BrokerName) => `-Dactivemq.base=${layout.broker(name).base}`;

/**
 * The PID recorded for a broker, if that process still runs and is that broker (its command line names
 * the broker's base dir): a stale pid file whose number was reused is never mistaken for ours.
 */
export async function runningPid(layout: LabLayout, name: BrokerName): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(layout.broker(name).pidFile, 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  return processArgs(pid)?.includes(baseArg(layout, name)) ? pid : null;
}

/** The broker's base dir: the identity plugin and the statistics plugin's JSON jars in lib/. */
async function prepareBase(layout: LabLayout, name: BrokerName, pluginJar: string): Promise<void> {
  const b = layout.broker(name);
  await Promise.all([b.lib, b.data, b.log, layout.shared].map((d) => mkdir(d, { recursive: true })));
  await copyFile(pluginJar, join(b.lib, basename(pluginJar)));
  for (const jar of activemq.extraJars) {
    const link = join(b.lib, basename(jar));
    await rm(link, { force: true });
    await symlink(jar, link);
  }
}

export function javaArgs(layout: LabLayout, state: LabState, name: BrokerName, heapMb: number): string[] {
  const b = layout.broker(name);
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    // C1 only: a lab broker shares two cores with its fleet, and C2's compiling took 15 s of CPU in its
    // first minute; the standby, cold until it takes over, served a failover's reconnects 2 s sooner,
    // and a warm broker used a fifth less CPU a push (docs/performance.md). A dedicated broker keeps C2.
    '-XX:TieredStopAtLevel=1',
    `-Djava.security.auth.login.config=${join(layout.conf, 'login.config')}`,
    `-Dactivemq.home=${activemq.home}`,
    baseArg(layout, name),
    `-Dactivemq.conf=${layout.conf}`,
    `-Dactivemq.data=${b.data}`,
    `-Djava.io.tmpdir=${b.data}`,
    `-Dlog4j.configuration=file:${join(layout.conf, 'log4j.properties')}`,
    `-Dsmt.brokerName=${name}`,
    `-Dsmt.host=${state.host}`,
    `-Dsmt.port=${state.ports[name]}`,
    `-Dsmt.shared=${layout.shared}`,
    '-jar',
    activemq.launcher,
    'start',
    `xbean:file:${join(layout.conf, 'activemq.xml')}`,
  ];
}

/**
 * Starts one broker as a detached plain process. `exec` keeps the PID of the shell we spawn, so the
 * recorded PID is the Java process itself; the open-file limit is raised first (~1.2 fds per connection).
 */
export async function startBroker(
  layout: LabLayout,
  state: LabState,
  name: BrokerName,
  heapMb: number,
  pluginJar: string,
): Promise<number> {
  await prepareBase(layout, name, pluginJar);
  const b = layout.broker(name);
  const out = openSync(b.stdoutLog, 'a');
  try {
    const child = spawn(
      'sh',
      [
        '-c',
        'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"',
        'java',
        ...javaArgs(layout, state, name, heapMb),
      ],
      { cwd: b.base, detached: true, stdio: ['ignore', out, out] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`cannot start ${name}: ${e.message}`)));
      child.once('spawn', () => (child.pid ? resolve(child.pid) : reject(new Error(`cannot start ${name}`))));
    });
    child.unref();
    await writeFile(b.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(out);
  }
}

/** The last lines of a broker's logs, for an error that says why it did not come up. */
export async function logTail(layout: LabLayout, name: BrokerName, lines = 15): Promise<string> {
  const b = layout.broker(name);
  // log4j's file once logging is configured; stdout has what happened before (or instead).
  for (const file of [b.activemqLog, b.stdoutLog]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim()) return `--- ${file}\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
  }
  return '(no log output)';
}

/** SIGTERM, then SIGKILL if it is still there after graceMs. Resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 20_000): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, 10_000))) throw new Error(`process ${pid} survived SIGKILL`);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}
