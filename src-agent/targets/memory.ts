import { sha256 } from '../../src-node/crypto/sha256';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { zoneKey } from '../../src-shared/config/object-key';
import { DhcpScope, cidrRange } from '../../src-shared/config/scope';
import { replaceFile } from '../agent/durable-file';
import { scopeSha256 } from './kea';
import { findSimulatedLeases, simulatedLeases } from './simulated-leases';
import type { FoundLeases, LeaseFindQuery } from '../../src-shared/protocol/lease-find';
import { fillingScope, simulatedSubnetUsage } from './simulated-pools';
import { MAX_USAGE_SUBNETS, type HaStatus } from '../../src-shared/protocol';
import {
  NotServedError,
  type ApplyOutcome,
  type DhcpTarget,
  type DhcpUsage,
  type DnsTarget,
  type DnsUsage,
  type ServedScopeEntry,
  type ServedZoneEntry,
} from './types';

/** Switches a simulated remote's servers obey; mutable, so a running fleet can be changed. */
export interface ApplyFaults {
  /** Every validation fails, as named-checkzone or config-test would. */
  failValidation: boolean;
  /** Added to every apply, for slow-remote scenarios. */
  applyDelayMs: number;
}

export const noFaults = (): ApplyFaults => ({ failValidation: false, applyDelayMs: 0 });

const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** What the in-memory servers keep, when simulate is given a state directory. */
const Snapshot = z.object({
  zones: z.record(z.string(), z.string()).default({}),
  scopes: z.record(z.string(), DhcpScope).default({}),
});
type Snapshot = z.infer<typeof Snapshot>;

/**
 * The memory of one simulated remote's DNS and DHCP servers, optionally kept in a file so a simulated
 * remote that crashes and comes back still serves what it applied (the redelivery test needs that).
 */
export class MemoryStore {
  zones = new Map<string, string>();
  scopes = new Map<string, DhcpScope>();
  private readonly watchers = new Set<() => void>();

  private constructor(private readonly file: string | undefined) {}

  static async open(file?: string): Promise<MemoryStore> {
    const store = new MemoryStore(file);
    if (!file) return store;
    let raw: string | undefined;
    try {
      raw = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (raw !== undefined) {
      const snap = Snapshot.parse(JSON.parse(raw));
      store.zones = new Map(Object.entries(snap.zones));
      store.scopes = new Map(Object.entries(snap.scopes));
    }
    return store;
  }

  /** What the servers serve changed (an apply or a hand edit): the watch() of both targets signals. */
  watch(onChange: () => void): () => void {
    this.watchers.add(onChange);
    return () => this.watchers.delete(onChange);
  }

  /** Saved, then every watcher told: an in-memory server's change signal. */
  async changed(): Promise<void> {
    await this.save();
    for (const w of [...this.watchers]) w();
  }

  async save(): Promise<void> {
    if (!this.file) return;
    const snap: Snapshot = {
      zones: Object.fromEntries(this.zones),
      scopes: Object.fromEntries(this.scopes),
    };
    // A stand-in for a server's own files, kept across a crash of the simulate process (the redelivery
    // test's crash) but not of the machine: no fsync, which on a simulator of hundreds of remotes sharing
    // one disk was a third of its file-system work per apply. The ledger, the real exactly-once record,
    // still syncs.
    await replaceFile(this.file, JSON.stringify(snap), { durable: false });
  }
}

/** The checks named-checkzone would fail on first: a zone without SOA or NS, or a record it cannot read. */
export function checkZoneText(name: string, text: string): string | undefined {
  const records = zoneRecords(text);
  const bad = records.find((r) => r.type === undefined);
  if (bad) return `${name}:${bad.line}: unknown RR type or malformed record "${bad.raw}"`;
  if (!records.some((r) => r.type === 'SOA')) return `zone ${name}/IN: has no SOA record`;
  if (!records.some((r) => r.type === 'NS')) return `zone ${name}/IN: has no NS records`;
  const badA = records.find((r) => r.type === 'A' && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(r.data));
  if (badA) return `dns_rdata_fromtext: ${name}:${badA.line}: near '${badA.data}': bad dotted quad`;
  return undefined;
}

const rrTypes = new Set(['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SRV', 'TXT', 'CAA']);

interface ZoneRecord {
  line: number;
  raw: string;
  owner: string;
  type: string | undefined;
  data: string;
}

/** A small reader of zone-file lines: enough for a simulator's validation and lookups, not a parser. */
function zoneRecords(text: string): ZoneRecord[] {
  const out: ZoneRecord[] = [];
  let owner = '@';
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/;.*$/, '').trimEnd();
    if (!line.trim() || line.startsWith('$')) return;
    const tokens = line.trim().split(/\s+/);
    if (!/^\s/.test(line)) owner = tokens.shift() ?? owner;
    while (tokens[0] && (/^\d+$/.test(tokens[0]) || tokens[0] === 'IN')) tokens.shift();
    const type = tokens.shift()?.toUpperCase();
    out.push({
      line: i + 1,
      raw: rawLine.trim(),
      owner,
      type: type && rrTypes.has(type) ? type : undefined,
      data: tokens.join(' '),
    });
  });
  return out;
}

/** An in-memory DNS server with the same outcomes as the BIND target: validate, then serve, or keep. */
export class MemoryDns implements DnsTarget {
  queries = 0;
  reloads = 0;
  flushes = 0;

  constructor(
    private readonly store: MemoryStore,
    private readonly faults: ApplyFaults,
  ) {}

  async upsertZone(name: string, zoneText: string): Promise<ApplyOutcome> {
    await wait(this.faults.applyDelayMs);
    const problem = this.faults.failValidation
      ? `zone ${name}/IN: not loaded due to errors (simulated validation failure)`
      : checkZoneText(name, zoneText);
    if (problem) return { ok: false, reason: problem };
    this.store.zones.set(zoneKey(name), zoneText);
    await this.store.changed();
    return { ok: true, sha256: sha256(zoneText) };
  }

  async deleteZone(name: string): Promise<ApplyOutcome> {
    await wait(this.faults.applyDelayMs);
    if (!this.store.zones.delete(zoneKey(name))) {
      return { ok: false, reason: `zone ${name} is not served by this remote` };
    }
    await this.store.changed();
    return { ok: true, sha256: sha256('') };
  }

  async servedZone(name: string): Promise<string> {
    const text = this.store.zones.get(zoneKey(name));
    if (text === undefined) throw new NotServedError(`zone ${name} is not served by this remote`);
    return text;
  }

  async lookup(name: string, rrtype: string): Promise<string[]> {
    this.queries++;
    const fqdn = zoneKey(name);
    const zone = [...this.store.zones.keys()]
      .filter((z) => fqdn === z || fqdn.endsWith(`.${z}`))
      .sort((a, b) => b.length - a.length)[0];
    if (zone === undefined) throw new Error(`no zone for ${name} on this remote (REFUSED)`);
    const rel = fqdn === zone ? '@' : fqdn.slice(0, -(zone.length + 1));
    return zoneRecords(this.store.zones.get(zone) ?? '')
      .filter((r) => r.type === rrtype && (r.owner === rel || zoneKey(r.owner) === fqdn))
      .map((r) => r.data);
  }

  async reload(): Promise<void> {
    this.reloads++;
  }

  async flushCache(): Promise<void> {
    this.flushes++;
  }

  async usage(): Promise<DnsUsage> {
    return { queries: this.queries };
  }

  async inventory(): Promise<ServedZoneEntry[]> {
    return [...this.store.zones].map(([name, text]) => {
      const serial = soaSerial(text);
      return { name, sha256: sha256(text), ...(serial !== undefined ? { serial } : {}) };
    });
  }

  watch(onChange: () => void): () => void {
    return this.store.watch(onChange);
  }

  /** Every zone served now, name and text (the simulator's drift fault picks one). */
  servedNow(): ReadonlyMap<string, string> {
    return this.store.zones;
  }

  /**
   * A change outside SMT, as an admin editing the zone file and running rndc reload would make: served
   * at once, no validation, no ledger entry. Drift tests and the simulator's `drift` fault use it.
   */
  async editByHand(name: string, zoneText: string): Promise<void> {
    this.store.zones.set(zoneKey(name), zoneText);
    await this.store.changed();
  }
}

/** The serial of the zone's SOA record, as a server loading this text would answer it. */
function soaSerial(text: string): number | undefined {
  const soa = zoneRecords(text).find((r) => r.type === 'SOA');
  const serial = soa?.data.replace(/[()]/g, ' ').trim().split(/\s+/)[2];
  return serial !== undefined && /^\d+$/.test(serial) && Number(serial) < 2 ** 32
    ? Number(serial)
    : undefined;
}

/** An in-memory DHCPv4 server: a scope that overlaps another subnet is refused, as Kea's config-test does. */
export class MemoryDhcp implements DhcpTarget {
  reloads = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly store: MemoryStore,
    private readonly faults: ApplyFaults,
  ) {}

  async upsertScope(scope: DhcpScope): Promise<ApplyOutcome> {
    await wait(this.faults.applyDelayMs);
    if (this.faults.failValidation) {
      return {
        ok: false,
        reason: `subnet ${scope.subnet}: config-test failed (simulated validation failure)`,
      };
    }
    const [lo, hi] = cidrRange(scope.subnet);
    for (const other of this.store.scopes.values()) {
      if (other.subnet === scope.subnet) continue;
      const [olo, ohi] = cidrRange(other.subnet);
      if (lo <= ohi && olo <= hi) {
        return {
          ok: false,
          reason: `subnet ${scope.subnet} overlaps subnet ${other.subnet} (id ${other.id})`,
        };
      }
      if (other.id === scope.id) {
        return { ok: false, reason: `subnet id ${scope.id} is already used by ${other.subnet}` };
      }
    }
    this.store.scopes.set(scope.subnet, scope);
    await this.store.changed();
    return { ok: true, sha256: sha256(JSON.stringify(scope)) };
  }

  async deleteScope(subnet: string): Promise<ApplyOutcome> {
    await wait(this.faults.applyDelayMs);
    if (!this.store.scopes.delete(subnet)) {
      return { ok: false, reason: `subnet ${subnet} is not configured on this remote` };
    }
    await this.store.changed();
    return { ok: true, sha256: sha256('') };
  }

  async servedScope(subnet: string): Promise<DhcpScope | undefined> {
    return this.store.scopes.get(subnet);
  }

  async runningConfig(): Promise<unknown> {
    return { Dhcp4: { subnet4: [...this.store.scopes.values()] } };
  }

  async leases(subnet: string): Promise<unknown[]> {
    if (!this.store.scopes.has(subnet)) throw new Error(`subnet ${subnet} is not configured on this remote`);
    return [];
  }

  /** Plausible leases derived from the scopes (simulated-leases.ts), for demos and fleet-scale tests. */
  async findLeases(q: LeaseFindQuery): Promise<FoundLeases> {
    return findSimulatedLeases(simulatedLeases(this.store.scopes.values(), Date.now()), q);
  }

  async reload(): Promise<void> {
    this.reloads++;
  }

  /** The simulated Kea HA status of this remote's side of a pair (src-agent/simulate/simulated-ha.ts). */
  haStatus: (() => HaStatus) | undefined = undefined;

  async ha(): Promise<HaStatus | undefined> {
    return this.haStatus?.();
  }

  /** Simulated per-subnet counters (src-agent/targets/simulated-pools.ts): one scope fills over time. */
  async usage(): Promise<DhcpUsage> {
    const scopes = [...this.store.scopes.values()];
    const filling = fillingScope(scopes);
    const elapsedMs = Date.now() - this.startedAt;
    const subnets = scopes
      .map((scope) => simulatedSubnetUsage(scope, elapsedMs, scope.subnet === filling))
      .slice(0, MAX_USAGE_SUBNETS);
    return {
      leasesActive: subnets.reduce((n, s) => n + s.assigned, 0),
      leasesAllocated: 0,
      declines: subnets.reduce((n, s) => n + s.declined, 0),
      subnets,
    };
  }

  async inventory(): Promise<ServedScopeEntry[]> {
    return [...this.store.scopes.values()].map((scope) => ({
      subnet: scope.subnet,
      sha256: scopeSha256(scope),
    }));
  }

  watch(onChange: () => void): () => void {
    return this.store.watch(onChange);
  }

  /** Every scope served now. */
  servedNow(): DhcpScope[] {
    return [...this.store.scopes.values()];
  }

  /** A subnet changed outside SMT, as a config-set on Kea's own socket would: see MemoryDns.editByHand. */
  async editByHand(scope: DhcpScope): Promise<void> {
    this.store.scopes.set(scope.subnet, scope);
    await this.store.changed();
  }
}
