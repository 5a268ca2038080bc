import type { Body } from '../../src-shared/protocol';
import type { DhcpTarget, DnsTarget } from '../targets/types';

/**
 * Turns the servers' cumulative counters into the usage channel's rates: queries per second between two
 * readings of BIND's counter (a counter that went down means named restarted: that reading is a new base).
 */
export class UsageMeter {
  private last: { at: number; queries: number } | undefined;
  private lastReadAt: number | undefined;

  constructor(
    private readonly dns: DnsTarget | undefined,
    private readonly dhcp: DhcpTarget | undefined,
  ) {}

  /** Undefined when there is nothing to report yet (first reading, or no statistics available). */
  async read(now: number, onError: (what: string, e: unknown) => void): Promise<Body<'usage'> | undefined> {
    const [dnsNow, dhcpNow, ha] = await Promise.all([
      this.dns?.usage?.().catch((e: unknown) => void onError('DNS', e)),
      this.dhcp?.usage?.().catch((e: unknown) => void onError('DHCP', e)),
      this.dhcp?.ha?.(),
    ]);
    let dns: Body<'usage'>['dns'];
    // Lease counters are levels: their window is simply the time since the previous reading.
    let windowS = this.lastReadAt !== undefined && now > this.lastReadAt ? (now - this.lastReadAt) / 1000 : 0;
    this.lastReadAt = now;
    if (dnsNow) {
      const prev = this.last;
      this.last = { at: now, queries: dnsNow.queries };
      if (prev && dnsNow.queries >= prev.queries && now > prev.at) {
        windowS = (now - prev.at) / 1000;
        const queries = dnsNow.queries - prev.queries;
        dns = { qps: Math.round((queries / windowS) * 100) / 100, queries };
      }
    }
    const dhcp = dhcpNow
      ? {
          leasesActive: dhcpNow.leasesActive,
          leasesAllocated: dhcpNow.leasesAllocated,
          ...(dhcpNow.declines !== undefined ? { declines: dhcpNow.declines } : {}),
          ...(dhcpNow.subnets !== undefined ? { subnets: dhcpNow.subnets } : {}),
        }
      : undefined;
    // HA is reported even when the lease counters are not: a Kea that stopped answering says so.
    if ((!dns && !dhcp && !ha) || windowS === 0) return undefined;
    return { windowS, ...(dns ? { dns } : {}), ...(dhcp ? { dhcp } : {}), ...(ha ? { ha } : {}) };
  }
}
