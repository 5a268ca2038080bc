import { join } from 'node:path';
import type { RemoteIdentity } from '../../src-shared/profile';
import type { ServiceName } from '../../src-shared/protocol';
import { silentLog, type LogSink } from '../../src-node/log';
import type { SmtConnection } from '../../src-node/smt';
import type { TlsMaterial } from '../../src-node/tls';
import type { HostIdentity, HostSample, HostSource, ServiceControls } from '../agent/host-source';
import type { TrustedSigner } from '../../src-node/crypto/config-signature';
import { Ledger } from '../agent/ledger';
import { RemoteAgent, type RemoteAgentOptions } from '../agent/remote-agent';
import { helloCertOf } from '../agent/own-cert';
import { SignatureVerifier } from '../agent/signature-verifier';
import { MemoryDhcp, MemoryDns, MemoryStore, noFaults, type ApplyFaults } from '../targets/memory';
import { SimulatedHost } from './host-model';
import type { HaSide, SimulatedHaPair } from './simulated-ha';

/** Faults one simulated remote obeys (see `simulate --faults`). */
export interface RemoteFaults extends ApplyFaults {
  /** Exit the whole process after recording an outcome, before its result and ack (redelivery tests). */
  crashBeforeAck: boolean;
  /** Drop the connection `afterMs` after start and come back `forMs` later. */
  offline?: { afterMs: number; forMs: number };
  /** Change one served zone or scope by hand `driftAfterMs` after start: drift for the console to see. */
  driftAfterMs?: number;
  /** The hello says the certificate expires this many days after start (the cert-expiry alert's demo). */
  certExpiringDays?: number;
  /** With an HA pair: its simulated Kea stops answering `afterMs` after start, for `forMs` (0: for good). */
  haDown?: { afterMs: number; forMs: number };
}

export const noRemoteFaults = (): RemoteFaults => ({ ...noFaults(), crashBeforeAck: false });

export interface VirtualRemoteOptions {
  identity: RemoteIdentity;
  tls: TlsMaterial;
  /** The number in the remote's id; it decides the host's role, addresses and services. */
  index: number;
  statsIntervalMs: number;
  presenceIntervalMs: number;
  /** The remote's own directory for its ledger and what its servers serve; in memory when undefined. */
  stateDir?: string;
  /** Signer certificates whose configs this remote applies (the lab signer in a simulation). */
  trustedSigners: readonly TrustedSigner[];
  faults?: RemoteFaults;
  log?: LogSink;
  random?: () => number;
  connection?: RemoteAgentOptions['connection'];
  /** This remote's side of a simulated Kea HA pair (`simulate --ha-pairs`). */
  ha?: { pair: SimulatedHaPair; side: HaSide };
}

/** The simulated host behind the agent's HostSource interface. */
class SimulatedHostSource implements HostSource {
  readonly mode = 'simulated';
  private lastSampleAt = Date.now();

  constructor(private readonly host: SimulatedHost) {}

  async identity(): Promise<HostIdentity> {
    return { host: this.host.hostInfo(), capabilities: this.host.capabilities(), tags: this.host.tags() };
  }

  async sample(now: number): Promise<HostSample> {
    const s = this.host.sample(now, now - this.lastSampleAt);
    this.lastSampleAt = now;
    return s;
  }

  async uptimeS(now: number): Promise<number> {
    return this.host.uptimeS(now);
  }
}

/**
 * One simulated remote: the real agent pipeline (ledger, apply, results) with a simulated host and
 * in-memory DNS / DHCP servers, each remote with its own certificate and TLS connection.
 */
export class VirtualRemote {
  readonly id: string;
  readonly host: SimulatedHost;
  readonly dns: MemoryDns;
  readonly dhcp: MemoryDhcp;
  readonly faults: RemoteFaults;
  private offlineTimer: NodeJS.Timeout | undefined;
  private driftTimer: NodeJS.Timeout | undefined;
  private readonly ha: { pair: SimulatedHaPair; side: HaSide } | undefined;

  private constructor(
    readonly agent: RemoteAgent,
    readonly ledger: Ledger,
    parts: {
      host: SimulatedHost;
      dns: MemoryDns;
      dhcp: MemoryDhcp;
      faults: RemoteFaults;
      ha?: { pair: SimulatedHaPair; side: HaSide };
    },
  ) {
    this.ha = parts.ha;
    this.id = agent.id;
    this.host = parts.host;
    this.dns = parts.dns;
    this.dhcp = parts.dhcp;
    this.faults = parts.faults;
  }

  static async create(opts: VirtualRemoteOptions): Promise<VirtualRemote> {
    const log = opts.log ?? silentLog;
    const faults = opts.faults ?? noRemoteFaults();
    const host = new SimulatedHost(opts.index, opts.random ?? Math.random, Date.now());
    const ledger = opts.stateDir ? await Ledger.open(opts.stateDir) : Ledger.inMemory();
    const store = await MemoryStore.open(opts.stateDir ? join(opts.stateDir, 'served.json') : undefined);
    const dns = new MemoryDns(store, faults);
    const dhcp = new MemoryDhcp(store, faults);
    const ha = opts.ha;
    if (ha) dhcp.haStatus = () => ha.pair.status(ha.side, Date.now());
    const services: ServiceControls = {};
    for (const name of host.services()) services[name] = serviceActions(host, name, dns, dhcp);
    const role = host.role;
    const realCert = helloCertOf(opts.tls.cert);
    const agent = new RemoteAgent({
      identity: opts.identity,
      tls: opts.tls,
      // Only the reported date changes: the lab certificate itself stays valid, so the remote connects.
      ...(realCert && faults.certExpiringDays !== undefined
        ? { cert: { ...realCert, notAfter: Date.now() + faults.certExpiringDays * 86_400_000 } }
        : {}),
      host: new SimulatedHostSource(host),
      ledger,
      dns: role === 'dhcp' ? undefined : dns,
      dhcp: role === 'dns' ? undefined : dhcp,
      services,
      verifier: new SignatureVerifier(opts.identity.remoteId, opts.trustedSigners),
      statsIntervalMs: opts.statsIntervalMs,
      presenceIntervalMs: opts.presenceIntervalMs,
      log,
      random: opts.random,
      connection: opts.connection,
      afterRecord: (entry) => {
        if (!faults.crashBeforeAck) return;
        log({
          level: 'error',
          msg: `remote ${opts.identity.remoteId}: crash-before-ack fault`,
          ref: entry.id,
        });
        process.exit(70);
      },
    });
    return new VirtualRemote(agent, ledger, { host, dns, dhcp, faults, ...(ha ? { ha } : {}) });
  }

  get conn(): SmtConnection {
    return this.agent.conn;
  }

  start(): void {
    this.agent.start();
    const offline = this.faults.offline;
    if (offline) {
      clearTimeout(this.offlineTimer);
      this.offlineTimer = setTimeout(() => void this.agent.goOffline(offline.forMs), offline.afterMs);
    }
    const haDown = this.faults.haDown;
    if (haDown && this.ha) this.ha.pair.markDown(this.ha.side, Date.now() + haDown.afterMs, haDown.forMs);
    const drift = this.faults.driftAfterMs;
    if (drift !== undefined) {
      clearTimeout(this.driftTimer);
      this.driftTimer = setTimeout(() => void this.driftByHand(), drift);
    }
  }

  /**
   * An admin's edit outside SMT: the first served zone gets a comment line, or else the first scope a
   * longer lease time. What it serves changes, its ledger does not; undefined when it serves nothing.
   */
  async driftByHand(): Promise<string | undefined> {
    const [zone, text] = [...this.dns.servedNow()].sort(([a], [b]) => (a < b ? -1 : 1))[0] ?? [];
    if (zone !== undefined && text !== undefined) {
      await this.dns.editByHand(zone, `${text}; changed by hand at ${new Date().toISOString()}\n`);
      return `zone:${zone}`;
    }
    const scope = [...this.dhcp.servedNow()].sort((a, b) => (a.subnet < b.subnet ? -1 : 1))[0];
    if (scope === undefined) return undefined;
    await this.dhcp.editByHand({ ...scope, validLifetimeS: (scope.validLifetimeS ?? 3600) + 60 });
    return `scope:${scope.subnet}`;
  }

  async stop(timeoutMs = 2000): Promise<void> {
    clearTimeout(this.offlineTimer);
    clearTimeout(this.driftTimer);
    await this.agent.stop(timeoutMs);
    await this.ledger.close();
  }
}

/** A simulated service's commands: a restart gives it a new PID and uptime zero, as a real one would. */
function serviceActions(host: SimulatedHost, name: ServiceName, dns: MemoryDns, dhcp: MemoryDhcp) {
  const restart = async () => host.restart(name, Date.now());
  if (name === 'named') return { reload: () => dns.reload(), restart, 'flush-cache': () => dns.flushCache() };
  if (name === 'kea-dhcp4') return { reload: () => dhcp.reload(), restart };
  return { restart };
}
