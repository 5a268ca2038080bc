import type { SelectableRemote } from '../../src-shared/config/selector';
import type { FleetSnapshot, RemoteView } from '../../src-shared/ipc/views';
import type { Body, Envelope, HelloCert } from '../../src-shared/protocol';

/** The channels that feed the fleet view. */
export const fleetChannels = ['hello', 'served', 'stats', 'presence', 'usage', 'event'] as const;
export type FleetEnvelope = Envelope<(typeof fleetChannels)[number]>;

export interface FleetModelOptions {
  /** A remote is offline once this many of its presence intervals pass in silence. */
  lapseIntervals: number;
  /** Stats are stale after this many of the remote's stats intervals. */
  staleIntervals: number;
  /** Used until a remote's hello or presence tells its own intervals. */
  defaultStatsIntervalMs: number;
  defaultPresenceIntervalMs: number;
}

export const defaultFleetModelOptions: FleetModelOptions = {
  lapseIntervals: 3,
  staleIntervals: 3,
  defaultStatsIntervalMs: 5000,
  defaultPresenceIntervalMs: 2000,
};

interface Tracked {
  view: RemoteView;
  presenceIntervalMs: number;
  lastPresenceAt: number | null;
  /** Sender timestamps of the newest presence and stats: late arrivals never overwrite newer data. */
  presenceTs: number;
  statsTs: number;
  statsSeq: number | null;
  /** From the hello, for selecting push targets. */
  capabilities: readonly string[];
  /** From the hello: the agent's client certificate (the view has only its date). */
  cert?: HelloCert;
}

const pct = (used: number, total: number) => (total > 0 ? Math.round((used / total) * 1000) / 10 : null);

/**
 * The console's picture of the fleet, fed with decoded envelopes and the console clock. Pure: no timers,
 * no I/O; the core calls `sweep` on a timer and drains `takeChanges` into batched patches.
 */
export class FleetModel {
  private readonly remotes = new Map<string, Tracked>();
  private readonly dirty = new Set<string>();
  private readonly opts: FleetModelOptions;

  constructor(opts: Partial<FleetModelOptions> = {}) {
    this.opts = { ...defaultFleetModelOptions, ...opts };
  }

  get size(): number {
    return this.remotes.size;
  }

  get(id: string): RemoteView | undefined {
    return this.remotes.get(id)?.view;
  }

  /** The seq of the newest stats taken from a remote (the sender's own counter). */
  statsSeq(id: string): number | null {
    return this.remotes.get(id)?.statsSeq ?? null;
  }

  apply(env: FleetEnvelope, now: number): void {
    const r = this.track(env.from);
    r.view.lastSeen = now;
    switch (env.type) {
      case 'hello':
        this.learn(r, env.body);
        break;
      case 'presence':
        if (env.ts < r.presenceTs) break;
        r.presenceTs = env.ts;
        r.presenceIntervalMs = env.body.intervalMs;
        r.lastPresenceAt = now;
        r.view.status = env.body.state;
        break;
      case 'stats': {
        if (env.ts < r.statsTs) break;
        r.statsTs = env.ts;
        r.statsSeq = env.body.seq;
        const s = env.body;
        Object.assign(r.view, {
          statsAt: now,
          localTime: s.localTime,
          uptimeS: s.uptimeS,
          load: s.load,
          cpuPct: s.cpuPct,
          memPct: pct(s.mem.usedBytes, s.mem.totalBytes),
          diskPct: pct(s.disk.usedBytes, s.disk.totalBytes),
          processes: s.processes,
        });
        break;
      }
      // Kept by their own listeners (the served inventory, the event store); here they only say "heard".
      case 'served':
      case 'usage':
      case 'event':
        break;
    }
    this.dirty.add(env.from);
  }

  /**
   * A remote the console knew before this session (its stored hello and when it was last heard): known and
   * selectable at once, with status `unknown` until it speaks, and its last-seen time from then, so its age
   * shows how stale it is. A remote already heard this session keeps what it said.
   */
  remember(id: string, hello: Body<'hello'>, lastSeen: number): boolean {
    if (this.remotes.has(id)) return false;
    const r = this.track(id);
    this.learn(r, hello);
    r.view.lastSeen = lastSeen;
    this.dirty.add(id);
    return true;
  }

  /** Marks offline every remote whose presence lapsed; returns how many changed. */
  sweep(now: number): number {
    let changed = 0;
    for (const [id, r] of this.remotes) {
      if (r.view.status !== 'online' || r.lastPresenceAt === null) continue;
      if (now - r.lastPresenceAt > this.opts.lapseIntervals * r.presenceIntervalMs) {
        r.view.status = 'offline';
        this.dirty.add(id);
        changed++;
      }
    }
    return changed;
  }

  snapshot(now: number): FleetSnapshot {
    return { at: now, remotes: [...this.remotes.values()].map((r) => structuredClone(r.view)) };
  }

  /** The client certificate a remote's agent reported in its latest hello (undefined: not reported). */
  cert(id: string): HelloCert | undefined {
    return this.remotes.get(id)?.cert;
  }

  /** Each remote's certificate expiry as its hello said (the cert-expiry alert); one without it is left out. */
  certs(): { remoteId: string; notAfter: number }[] {
    const out: { remoteId: string; notAfter: number }[] = [];
    for (const r of this.remotes.values()) {
      if (r.cert) out.push({ remoteId: r.view.id, notAfter: r.cert.notAfter });
    }
    return out;
  }

  /** Every known remote as a push selector sees it. */
  selectable(): SelectableRemote[] {
    return [...this.remotes.values()].map((r) => ({
      id: r.view.id,
      tags: r.view.tags,
      capabilities: r.capabilities,
      status: r.view.status,
      hostname: r.view.hostname,
    }));
  }

  /** Views changed since the last call, each once. */
  takeChanges(): RemoteView[] {
    const out: RemoteView[] = [];
    for (const id of this.dirty) {
      const r = this.remotes.get(id);
      if (r) out.push(structuredClone(r.view));
    }
    this.dirty.clear();
    return out;
  }

  private learn(r: Tracked, b: Body<'hello'>): void {
    Object.assign(r.view, {
      hostname: b.host.hostname,
      ips: b.host.ips,
      serviceTag: b.host.serviceTag,
      os: b.host.os,
      kernel: b.host.kernel,
      agentVersion: b.agent.version,
      mode: b.agent.mode,
      tags: b.tags,
      staleAfterMs: this.opts.staleIntervals * b.statsIntervalMs,
    });
    // A hello without it (an agent downgraded, or the Python peer) no longer vouches for the old date.
    r.cert = b.cert;
    if (b.cert) r.view.certNotAfter = b.cert.notAfter;
    else delete r.view.certNotAfter;
    r.presenceIntervalMs = b.presenceIntervalMs;
    r.capabilities = b.capabilities;
  }

  private track(id: string): Tracked {
    let r = this.remotes.get(id);
    if (!r) {
      r = {
        view: {
          id,
          hostname: '',
          ips: [],
          serviceTag: '',
          os: '',
          kernel: '',
          agentVersion: '',
          mode: 'real',
          tags: [],
          status: 'unknown',
          lastSeen: null,
          statsAt: null,
          staleAfterMs: this.opts.staleIntervals * this.opts.defaultStatsIntervalMs,
          localTime: null,
          uptimeS: null,
          load: null,
          cpuPct: null,
          memPct: null,
          diskPct: null,
          processes: [],
        },
        presenceIntervalMs: this.opts.defaultPresenceIntervalMs,
        lastPresenceAt: null,
        presenceTs: 0,
        statsTs: 0,
        statsSeq: null,
        capabilities: [],
      };
      this.remotes.set(id, r);
    }
    return r;
  }
}
