/**
 * Real remotes on this machine, beside the lab's simulated fleet: each its own named and/or kea-dhcp4
 * (real-servers.ts) and its own agent process, `smt-agent run` with a config file as an operator runs it,
 * provisioned on the lab. Everything is stopped by PID: the agent first, so it never sees its servers
 * vanish, then the servers, then the remote's directory.
 *
 *   const remote = await startRealRemote(lab, 'real-01', ['dns', 'dhcp4']);
 *   remote.bind?.port;      // where its named answers
 *   await remote.stop();
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labSignerCertFile } from './console-keys';
import { spawnOwned, type OwnedProcess } from './owned-process';
import type { LabOptions } from './paths';
import { remoteIdentity } from './provisioning';
import { startBind, startKea, type BindServer, type KeaServer } from './real-servers';

const root = join(import.meta.dirname, '..');

/** What a real remote serves: the capabilities its agent announces in its hello. */
export type RealService = 'dns' | 'dhcp4';

/** The most real remotes the demo starts: each is three processes on a machine that also runs the lab. */
export const MAX_REAL_REMOTES = 10;

/** The lab's real remotes are real-01, real-02, …: apart from the simulated r-0001, r-0002, …. */
export const realRemoteId = (n: number) => `real-${String(n).padStart(2, '0')}`;

/**
 * What real remote n (from 1) serves: a repeating mix of five, so any fleet has both kinds and the
 * five of the tests are DNS, DHCP, both, DNS, DHCP (three serve DNS and three DHCP, one of them both).
 */
export function realServicesOf(n: number): RealService[] {
  const mix: RealService[][] = [['dns'], ['dhcp4'], ['dns', 'dhcp4'], ['dns'], ['dhcp4']];
  return mix[(n - 1) % mix.length] ?? ['dns'];
}

/**
 * Writes `<dir>/agent.json` for `smt-agent run`: remote `rid` provisioned on the lab (its certificate in
 * the brokers' allowlist), the lab's signer trusted, state under `<dir>/state`; `extra` adds or overrides
 * fields of the agent's config (bind, kea, intervals, tags), which the agent's schema checks. Returns the
 * file's path.
 */
export async function writeLabAgentConfig(
  lab: LabOptions,
  rid: string,
  dir: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const identity = await remoteIdentity(rid, { ...lab, provision: true });
  const config = {
    remoteId: rid,
    brokers: identity.brokers,
    tls: identity.tls,
    trustedSigners: [labSignerCertFile(lab)],
    stateDir: join(dir, 'state'),
    ...extra,
  };
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

export interface RealRemote {
  remoteId: string;
  services: RealService[];
  /** Its agent's directory: agent.json and the agent's state. */
  dir: string;
  agentPid: number;
  bind?: BindServer;
  kea?: KeaServer;
  /** Every PID it runs: the agent, named, kea-dhcp4. */
  pids(): number[];
  /** The agent's output so far. */
  output(): string;
  stop(): Promise<void>;
}

/** SIGTERM by PID, SIGKILL if the process outlives `graceMs`. */
async function stopWithin(p: OwnedProcess, graceMs: number): Promise<void> {
  const timer = setTimeout(() => void p.stop('SIGKILL'), graceMs);
  await p.stop();
  clearTimeout(timer);
}

/**
 * Starts one real remote and resolves once its agent is connected to a broker. The agent runs as one
 * node process (node --import tsx, as the checkout's `smt-agent` runs its source, without the launcher's
 * extra process) in its own process group, so a Ctrl-C in the terminal reaches only whoever started it.
 */
export async function startRealRemote(
  lab: LabOptions,
  remoteId: string,
  services: readonly RealService[],
  opts: {
    timeoutMs?: number;
    extra?: Record<string, unknown>;
    /** More statements for its named's options block (startBind), e.g. a limit that makes it refuse zones. */
    namedOptions?: string;
    /** How often its agent asks Kea whether its config changed (the agent's `kea.changePollMs`). */
    keaChangePollMs?: number;
  } = {},
): Promise<RealRemote> {
  const dir = await mkdtemp(join(tmpdir(), `smt-${remoteId}-`));
  const servers: { bind?: BindServer; kea?: KeaServer } = {};
  let agent: OwnedProcess | undefined;
  const stop = async () => {
    if (agent) await stopWithin(agent, 10_000);
    await Promise.all([servers.bind?.stop(), servers.kea?.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // One after the other, so that a failure of the second leaves the first where stop() finds it.
    const bind = (servers.bind = services.includes('dns')
      ? await startBind({ options: opts.namedOptions })
      : undefined);
    const kea = (servers.kea = services.includes('dhcp4') ? await startKea() : undefined);
    const file = await writeLabAgentConfig(lab, remoteId, dir, {
      tags: ['lab:real'],
      ...(bind ? { bind: bind.settings } : {}),
      ...(kea
        ? {
            kea: {
              ...kea.settings,
              ...(opts.keaChangePollMs === undefined ? {} : { changePollMs: opts.keaChangePollMs }),
            },
          }
        : {}),
      ...opts.extra,
    });
    const started = spawnOwned(
      process.execPath,
      ['--import', 'tsx', join(root, 'src-agent', 'cli.ts'), 'run', '--config', file],
      { cwd: root, detached: true },
    );
    agent = started;
    await started.ready(
      `the agent of ${remoteId} to connect`,
      () => started.output().includes(`remote ${remoteId} connected to `),
      opts.timeoutMs ?? 60_000,
    );
    return {
      remoteId,
      services: [...services],
      dir,
      agentPid: started.pid,
      bind,
      kea,
      pids: () => [started.pid, ...(bind ? [bind.pid] : []), ...(kea ? [kea.pid] : [])],
      output: started.output,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Where a real remote's servers listen, for the demo's output. */
export function describeRealRemote(r: RealRemote): string {
  const parts = [
    ...(r.bind ? [`named on 127.0.0.1:${r.bind.port} (rndc ${r.bind.controlPort}, pid ${r.bind.pid})`] : []),
    ...(r.kea ? [`kea-dhcp4 control socket ${r.kea.socketPath} (pid ${r.kea.pid})`] : []),
  ];
  return `${r.remoteId}: ${parts.join(', ')}; agent pid ${r.agentPid}`;
}

/**
 * Starts real remotes real-01 … real-<count> one after another (each start is three processes; the
 * lab's machine has few cores) with the services of realServicesOf. On a failure, those already started
 * are stopped and the error is thrown; once `signal` is aborted no further one starts. `namedOptions`
 * adds option statements to the named of the remotes it names (by id): a test makes one named refuse a
 * zone the others take.
 */
export async function startRealRemotes(
  lab: LabOptions,
  count: number,
  opts: {
    onStarted?: (r: RealRemote) => void;
    signal?: AbortSignal;
    namedOptions?: Readonly<Record<string, string>>;
    /** For every remote's agent: see startRealRemote. */
    keaChangePollMs?: number;
  } = {},
): Promise<RealRemote[]> {
  const remotes: RealRemote[] = [];
  try {
    for (let n = 1; n <= count; n++) {
      // Aborted (a Ctrl-C in the demo): start no further remote; the caller stops those it heard of.
      if (opts.signal?.aborted) return remotes;
      const rid = realRemoteId(n);
      const r = await startRealRemote(lab, rid, realServicesOf(n), {
        namedOptions: opts.namedOptions?.[rid],
        ...(opts.keaChangePollMs === undefined ? {} : { keaChangePollMs: opts.keaChangePollMs }),
      });
      remotes.push(r);
      opts.onStarted?.(r);
    }
    return remotes;
  } catch (e) {
    await stopRealRemotes(remotes);
    throw e;
  }
}

export async function stopRealRemotes(remotes: readonly RealRemote[]): Promise<void> {
  await Promise.all(remotes.map((r) => r.stop()));
}
