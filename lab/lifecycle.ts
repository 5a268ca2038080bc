/** The lab's brokers as processes: start what is not running, stop what up started, kill one, ask their roles. */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { brokerUrl } from '../src-shared/broker/address';
import {
  logTail,
  runningPid,
  signal,
  startBroker,
  stopPid,
  tlsAccepts,
  waitGone,
  type ClientTls,
} from './brokers';
import { consoleClientTls } from './console-keys';
import { withLock } from './lock';
import { brokerNames, layoutOf, type BrokerName, type LabLayout, type LabOptions } from './paths';
import { ensurePluginJar } from './plugin-build';
import { prepare } from './prepare';
import { pidAlive } from './process';
import { readState, requireState, type LabState } from './state';

export interface BrokerStatus {
  name: 'primary' | 'secondary';
  url: string;
  host: string;
  port: number;
  pid: number | null;
  role: 'active' | 'standby' | 'down';
}

const defaultHeapMb = 256;
const startTimeoutMs = 90_000;

async function statusOf(layout: LabLayout, state: LabState, tls: ClientTls): Promise<BrokerStatus[]> {
  return Promise.all(
    brokerNames.map(async (name): Promise<BrokerStatus> => {
      const port = state.ports[name];
      const pid = await runningPid(layout, name);
      const role = pid === null ? 'down' : (await tlsAccepts(state.host, port, tls)) ? 'active' : 'standby';
      return { name, url: brokerUrl({ host: state.host, port }), host: state.host, port, pid, role };
    }),
  );
}

export async function labStatus(opts?: LabOptions): Promise<BrokerStatus[]> {
  const layout = layoutOf(opts);
  const state = await requireState(layout);
  return statusOf(layout, state, await consoleClientTls(layout));
}

/** Polls until check() gives a value; fails early, with its log, when the watched broker dies meanwhile. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  watch?: { layout: LabLayout; name: BrokerName; pid: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (watch && !pidAlive(watch.pid)) {
      throw new Error(
        `${watch.name} broker (pid ${watch.pid}) exited while waiting for ${what}:\n${await logTail(watch.layout, watch.name)}`,
      );
    }
    if (Date.now() > deadline) {
      const tail = watch ? `\n${await logTail(watch.layout, watch.name)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${tail}`);
    }
    await delay(100);
  }
}

/** The standby writes this once it is queued behind the active broker's store lock. */
const slaveModePattern = /slave mode|locked by another/i;

async function logSize(file: string): Promise<number> {
  return readFile(file).then(
    (b) => b.length,
    () => 0,
  );
}

/**
 * Starts what is not running (also a broker killed earlier): the primary first, then, once a broker
 * accepts TLS, the secondary, which queues behind the store lock as standby. Idempotent.
 */
export async function labUp(opts?: LabOptions & { heapMb?: number }): Promise<BrokerStatus[]> {
  const heapMb = z
    .number()
    .int()
    .min(64)
    .max(8192)
    .parse(opts?.heapMb ?? defaultHeapMb);
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  return withLock(layout.lockFile, async () => {
    const state = await prepare(layout);
    const jar = await ensurePluginJar();
    const tls = await consoleClientTls(layout);
    const active = async () => (await statusOf(layout, state, tls)).find((b) => b.role === 'active');

    let pid = await runningPid(layout, 'primary');
    if (pid === null) {
      pid = await startBroker(layout, state, 'primary', heapMb, jar);
    }
    await waitFor('a broker to accept TLS', active, startTimeoutMs, { layout, name: 'primary', pid });

    if ((await runningPid(layout, 'secondary')) === null) {
      const log = layout.broker('secondary').activemqLog;
      const from = await logSize(log);
      const secondary = await startBroker(layout, state, 'secondary', heapMb, jar);
      const standbyOrActive = async () => {
        const text = (await readFile(log).catch(() => Buffer.alloc(0))).subarray(from).toString('utf8');
        if (slaveModePattern.test(text)) return true;
        return (await tlsAccepts(state.host, state.ports.secondary, tls)) ? true : undefined;
      };
      await waitFor('the secondary to wait as standby', standbyOrActive, startTimeoutMs, {
        layout,
        name: 'secondary',
        pid: secondary,
      });
    }
    return statusOf(layout, state, tls);
  });
}

/** Stops exactly the brokers up started (by recorded PID; standby first so nothing fails over), removes the pid files. */
export async function labDown(opts?: LabOptions): Promise<void> {
  const layout = layoutOf(opts);
  // No lab there: nothing was started. A corrupt state.json, though, is an error, not "nothing to stop".
  const state = await readState(layout);
  if (!state) return;
  await withLock(layout.lockFile, async () => {
    const statuses = await consoleClientTls(layout)
      .then((tls) => statusOf(layout, state, tls))
      .catch(() => undefined);
    const order = statuses
      ? [...statuses]
          .sort((a, b) => Number(a.role === 'active') - Number(b.role === 'active'))
          .map((s) => s.name)
      : brokerNames;
    for (const name of order) {
      const pid = await runningPid(layout, name);
      if (pid !== null) await stopPid(pid);
      await rm(layout.broker(name).pidFile, { force: true });
    }
  });
}

/** SIGKILL, as a crash would; returns the PID it killed once that process is gone. */
export async function killBroker(name: 'primary' | 'secondary', opts?: LabOptions): Promise<number> {
  const layout = layoutOf(opts);
  const pid = await runningPid(layout, z.enum(['primary', 'secondary']).parse(name));
  if (pid === null) throw new Error(`the ${name} broker is not running in ${layout.dir}`);
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, 10_000))) throw new Error(`${name} broker (pid ${pid}) survived SIGKILL`);
  await rm(layout.broker(name).pidFile, { force: true });
  return pid;
}

export async function waitForActiveBroker(opts?: LabOptions & { timeoutMs?: number }): Promise<BrokerStatus> {
  const layout = layoutOf(opts);
  const state = await requireState(layout);
  const tls = await consoleClientTls(layout);
  return waitFor(
    'a broker to accept TLS',
    async () => (await statusOf(layout, state, tls)).find((b) => b.role === 'active'),
    opts?.timeoutMs ?? 60_000,
  );
}
