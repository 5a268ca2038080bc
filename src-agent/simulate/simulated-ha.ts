import type { HaRelationship, HaStatus } from '../../src-shared/protocol';

/**
 * A Kea HA hot-standby pair between two simulated remotes (`simulate --ha-pairs`), for the demo: each side
 * answers what a real Kea's status-get would, from the same shared state, so the console pairs and judges
 * them exactly as it does real ones. A side made down (`--faults REMOTE:ha-down=AFTER/FOR`) answers
 * unreadable, as an agent whose kea-dhcp4 died does, and its partner goes to partner-down with the
 * communication interrupted, as Kea's does once heartbeats fail. Pure in time: the caller passes now.
 */

/** Kea's partner-down follows a few failed heartbeats; the simulation keeps the same delay. */
const PARTNER_DOWN_AFTER_MS = 3_000;
/** After the partner is back, the pair syncs for a moment before it is hot-standby again. */
const SYNCING_FOR_MS = 3_000;

export type HaSide = 0 | 1;

export class SimulatedHaPair {
  private readonly down: ({ from: number; until: number } | undefined)[] = [undefined, undefined];

  /** `remoteIds[0]` is the primary, `[1]` the standby. */
  constructor(readonly remoteIds: readonly [string, string]) {}

  serverName(side: HaSide): string {
    return `kea-${this.remoteIds[side]}`;
  }

  /** The side's kea-dhcp4 stops answering from `from` for `forMs` (0: for good). */
  markDown(side: HaSide, from: number, forMs: number): void {
    this.down[side] = { from, until: forMs > 0 ? from + forMs : Number.POSITIVE_INFINITY };
  }

  private downSince(side: HaSide, now: number): number | undefined {
    const d = this.down[side];
    return d !== undefined && now >= d.from && now < d.until ? d.from : undefined;
  }

  private backSince(side: HaSide, now: number): number | undefined {
    const d = this.down[side];
    return d !== undefined && now >= d.until ? d.until : undefined;
  }

  status(side: HaSide, now: number): HaStatus {
    if (this.downSince(side, now) !== undefined)
      return {
        kind: 'unreadable',
        reason: `Kea config-get: connect ECONNREFUSED (simulated: ${this.serverName(side)} is down)`,
      };
    const other: HaSide = side === 0 ? 1 : 0;
    const primary = this.serverName(0);
    const role = side === 0 ? 'primary' : 'standby';
    const partnerDownAt = this.downSince(other, now);
    const interrupted = partnerDownAt !== undefined;
    const partnerDown = interrupted && now - partnerDownAt >= PARTNER_DOWN_AFTER_MS;
    const back = [this.backSince(0, now), this.backSince(1, now)].find(
      (t) => t !== undefined && now - t < SYNCING_FOR_MS,
    );
    const state = partnerDown ? 'partner-down' : back !== undefined ? 'syncing' : 'hot-standby';
    // In hot-standby the primary serves the primary's scope; in partner-down the survivor does.
    const scopes = partnerDown || side === 0 ? [primary] : [];
    const relationship: HaRelationship = {
      mode: 'hot-standby',
      peers: ([0, 1] as const).map((s) => ({
        name: this.serverName(s),
        url: `http://${this.remoteIds[s]}.sim.example:8001/`,
        role: s === 0 ? 'primary' : 'standby',
      })),
      server: { name: this.serverName(side), role, state, scopes },
      partner: {
        name: this.serverName(other),
        role: other === 0 ? 'primary' : 'standby',
        lastState: interrupted ? 'unavailable' : state,
        lastScopes: interrupted || side === 0 ? [] : [primary],
        communicationInterrupted: interrupted,
        ageS: interrupted ? Math.floor((now - partnerDownAt) / 1000) : 0,
        connectingClients: 0,
        unackedClients: 0,
      },
    };
    return { kind: 'reported', relationships: [relationship] };
  }
}

/**
 * Which remotes of a simulation form HA pairs: the DHCP-serving ones in order, two by two (an odd one
 * out runs alone, without HA).
 */
export function simulatedHaPairs(dhcpRemoteIds: readonly string[]): SimulatedHaPair[] {
  const pairs: SimulatedHaPair[] = [];
  for (let i = 0; i + 1 < dhcpRemoteIds.length; i += 2)
    pairs.push(new SimulatedHaPair([dhcpRemoteIds[i] as string, dhcpRemoteIds[i + 1] as string]));
  return pairs;
}
