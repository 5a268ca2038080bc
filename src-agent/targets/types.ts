import type { FoundLeases, LeaseFindQuery } from '../../src-shared/protocol/lease-find';
import type { DhcpScope } from '../../src-shared/config/scope';
import type { HaStatus, SubnetUsage } from '../../src-shared/protocol';

/**
 * What the agent needs from the DNS and DHCP servers it manages. The real targets drive BIND 9 and Kea;
 * simulate mode uses in-memory ones behind the same interfaces, so the apply, ledger and result code is
 * one and the same in both modes.
 */

/** The outcome of a change. On failure the server keeps serving what it served before. */
export type ApplyOutcome =
  | {
      ok: true;
      /** SHA-256 (hex) of what the server serves now for this object. */ sha256: string;
      detail?: string;
    }
  | {
      ok: false;
      /** The validator's or server's own message, for the admin. */ reason: string;
      /**
       * The change reached the server and failed its check there (the new SOA serial not served, Kea not
       * showing the scope), and the previous version was put back and is proven served again: the
       * agent reports `rolled-back`. Without it, nothing the server serves changed or restoring failed.
       */
      rolledBack?: true;
    };

/** BIND's query counter since it started; the agent turns two readings into queries per second. */
export interface DnsUsage {
  queries: number;
}

/** Kea's lease counters (statistic-get-all). */
export interface DhcpUsage {
  /** Sum of subnet[*].assigned-addresses. */
  leasesActive: number;
  /** Leases handed out since Kea started (pkt4-ack-sent). */
  leasesAllocated: number;
  declines?: number;
  /** Per subnet (issue 17's DHCP pools); bounded by MAX_USAGE_SUBNETS. */
  subnets?: SubnetUsage[];
}

/** One zone a DNS target serves, for the served inventory. */
export interface ServedZoneEntry {
  /** Lower case, no trailing dot. */
  name: string;
  /** SHA-256 of servedZone(name)'s text; null when the agent cannot read it (a zone it does not manage). */
  sha256: string | null;
  /** The SOA serial the server answers now; undefined when it does not answer for the zone. */
  serial?: number;
}

/** One subnet a DHCP target runs, for the served inventory. */
export interface ServedScopeEntry {
  subnet: string;
  /** SHA-256 of servedScopeText(servedScope(subnet)): the `config` query's hash. */
  sha256: string;
}

/** Calls onChange when what the target serves may have changed; the returned function stops watching. */
export type WatchServed = (onChange: () => void) => () => void;

export interface DnsTarget {
  /** Validate (named-checkzone), install atomically, load (addzone or reload), confirm the new SOA serial is served. */
  upsertZone(name: string, zoneText: string): Promise<ApplyOutcome>;
  /** Remove a zone this agent manages; an unknown zone is a failure that says so. */
  deleteZone(name: string): Promise<ApplyOutcome>;
  /**
   * The zone as served now: exactly the zone text last applied (the installed file), so a preview of an
   * unchanged push compares equal. A zone this agent does not serve throws NotServedError.
   */
  servedZone(name: string): Promise<string>;
  /** A DNS lookup from the remote itself. */
  lookup(name: string, rrtype: string): Promise<string[]>;
  reload(): Promise<void>;
  flushCache(): Promise<void>;
  /** Undefined when the server's statistics are not reachable (not configured). */
  usage?(): Promise<DnsUsage | undefined>;
  /** Every zone served now; throws when the server cannot be read (the inventory says so). */
  inventory(): Promise<ServedZoneEntry[]>;
  /** A cheap change signal (BIND: inotify on the zone directory), never a poll of named. */
  watch: WatchServed;
}

export interface DhcpTarget {
  /** Merge the scope into the running config, config-test, config-set, config-write, confirm with config-get. */
  upsertScope(scope: DhcpScope): Promise<ApplyOutcome>;
  deleteScope(subnet: string): Promise<ApplyOutcome>;
  /**
   * The subnet as the server runs it now, projected onto the scope model's fields (what keaSubnetOf
   * writes, read back); undefined when no such subnet is configured.
   */
  servedScope(subnet: string): Promise<DhcpScope | undefined>;
  /** The running configuration (config-get), for queries. */
  runningConfig(): Promise<unknown>;
  /** Current leases of one subnet. */
  leases(subnet: string): Promise<unknown[]>;
  /** Lease search: the leases matching one IP, MAC, client id or hostname (docs/dhcp.md). */
  findLeases(q: LeaseFindQuery): Promise<FoundLeases>;
  reload(): Promise<void>;
  usage?(): Promise<DhcpUsage | undefined>;
  /**
   * Kea HA (docs/dhcp.md, "HA"): undefined when the server runs no HA; `unreadable` with the reason when
   * its status cannot be read. Never throws.
   */
  ha?(): Promise<HaStatus | undefined>;
  /** Every subnet running now (subnet4 and shared networks); throws when the server cannot be read. */
  inventory(): Promise<ServedScopeEntry[]>;
  /** A cheap change signal (Kea: one control command per poll interval). */
  watch: WatchServed;
}

/** The zone or scope asked about is not served here: an answer, not a failure, for the preview. */
export class NotServedError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'NotServedError';
  }
}

/** A target that the remote does not run: every call fails with a specific reason. */
export class NotInstalledError extends Error {
  constructor(service: string) {
    super(`${service} is not installed or not configured on this remote`);
    this.name = 'NotInstalledError';
  }
}
