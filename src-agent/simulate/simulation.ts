import { join } from 'node:path';
import { labSignerCertFile, remoteIdentities, type LabOptions } from '../../lab/lab';
import { loadTrustedSigners } from '../../src-node/crypto/config-signature';
import type { ConnState } from '../../src-shared/connection/machine';
import { mapBounded } from '../../src-shared/util/map-bounded';
import { silentLog, type LogSink } from '../../src-node/log';
import { loadTlsMaterial } from '../../src-node/tls';
import { faultsFor, type FaultSpec } from './faults';
import { simulatedServes } from './host-model';
import { simulatedHaPairs, type HaSide, type SimulatedHaPair } from './simulated-ha';
import { VirtualRemote, type VirtualRemoteOptions } from './virtual-remote';

export interface SimulationOptions {
  remotes: number;
  /** Index of the first remote: r-<first> … r-<first + remotes - 1>. */
  first?: number;
  /**
   * Only remotes whose simulated host serves this (a third of them serve DHCP only, a third DNS only): the
   * first `remotes` such indices from `first` on, so a zone can go to every remote of the simulation.
   */
  serves?: 'dns' | 'dhcp4';
  statsIntervalMs?: number;
  presenceIntervalMs?: number;
  lab?: LabOptions;
  /** Connections opened at a time, so a thousand remotes do not all handshake at once. */
  concurrency?: number;
  /** For each remote's connection and inbound guard. */
  log?: LogSink;
  connection?: VirtualRemoteOptions['connection'];
  /**
   * Where each remote keeps its ledger and served data (<stateDir>/<rid>/), so a simulator that crashed
   * comes back with its memory. Without it, both live in memory and end with the process.
   */
  stateDir?: string;
  faults?: FaultSpec;
  /** The DHCP remotes run as Kea HA hot-standby pairs, two by two in order (simulated-ha.ts). */
  haPairs?: boolean;
  /** Called after any remote's connection changes state. */
  onChange?: (sim: Simulation) => void;
}

export const remoteIdOf = (n: number) => `r-${String(n).padStart(4, '0')}`;

/** The indices a simulation of `remotes` from `first` runs: consecutive, or those that serve `serves`. */
export function simulatedIndices(first: number, remotes: number, serves?: 'dns' | 'dhcp4'): number[] {
  const out: number[] = [];
  for (let n = first; out.length < remotes; n++) if (!serves || simulatedServes(n, serves)) out.push(n);
  return out;
}

export class Simulation {
  private stopped = false;

  constructor(
    readonly remotes: readonly VirtualRemote[],
    private readonly concurrency = 25,
  ) {}

  /** Opens the connections a few at a time; resolves when each has connected or failed once. */
  async start(): Promise<void> {
    await mapBounded(this.remotes, this.concurrency, async (r) => {
      if (this.stopped) return;
      const outcome = settled(r);
      r.start();
      await outcome;
    });
  }

  connected(): number {
    return this.remotes.filter((r) => r.conn.state.kind === 'connected').length;
  }

  /** Connected remotes per broker name. */
  byBroker(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.remotes) {
      const b = r.conn.connectedBroker;
      if (b) out[b.name] = (out[b.name] ?? 0) + 1;
    }
    return out;
  }

  get(id: string): VirtualRemote | undefined {
    return this.remotes.find((r) => r.id === id);
  }

  /** Goodbye from every remote, in parallel, bounded in time. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopped = true;
    await Promise.all(this.remotes.map((r) => r.stop(timeoutMs)));
  }
}

/** Resolves at the first outcome of an open: connected, or a failure that sends it to back off. */
function settled(remote: VirtualRemote): Promise<ConnState['kind']> {
  return new Promise((resolve) => {
    const done = (s: ConnState) => {
      if (s.kind === 'connecting' || s.kind === 'idle') return;
      off();
      resolve(s.kind);
    };
    const off = remote.conn.onState(done);
    done(remote.conn.state);
  });
}

/**
 * Builds N virtual remotes, each with its own lab certificate (provisioned in one batch when missing)
 * and its own connection, not yet started.
 */
export async function createSimulation(opts: SimulationOptions): Promise<Simulation> {
  const indices = simulatedIndices(opts.first ?? 1, opts.remotes, opts.serves);
  const identities = await remoteIdentities(indices.map(remoteIdOf), { ...opts.lab, provision: true });
  const trustedSigners = await loadTrustedSigners([labSignerCertFile(opts.lab)]);
  const remotes: VirtualRemote[] = [];
  const haSides = new Map<string, { pair: SimulatedHaPair; side: HaSide }>();
  if (opts.haPairs) {
    const dhcp = indices.filter((n) => simulatedServes(n, 'dhcp4')).map(remoteIdOf);
    for (const pair of simulatedHaPairs(dhcp))
      for (const side of [0, 1] as const) haSides.set(pair.remoteIds[side], { pair, side });
  }
  // remoteIdentities answers in the order of the ids it was given.
  for (const [i, identity] of identities.entries()) {
    remotes.push(
      await VirtualRemote.create({
        identity,
        tls: await loadTlsMaterial(identity.tls),
        index: indices[i] as number,
        statsIntervalMs: opts.statsIntervalMs ?? 5000,
        presenceIntervalMs: opts.presenceIntervalMs ?? 2000,
        stateDir: opts.stateDir ? join(opts.stateDir, identity.remoteId) : undefined,
        trustedSigners,
        faults: faultsFor(opts.faults ?? [], identity.remoteId),
        log: opts.log ?? silentLog,
        connection: opts.connection,
        ha: haSides.get(identity.remoteId),
      }),
    );
  }
  const sim = new Simulation(remotes, opts.concurrency);
  if (opts.onChange) {
    const onChange = opts.onChange;
    for (const r of remotes) r.conn.onState(() => onChange(sim));
  }
  return sim;
}

/** createSimulation, then start: every remote has connected or failed once when it resolves. */
export async function startSimulation(opts: SimulationOptions): Promise<Simulation> {
  const sim = await createSimulation(opts);
  await sim.start();
  return sim;
}
