import type { Envelope, HaRelationship } from '../../../src-shared/protocol';
import {
  HA_STALE_AFTER_MS,
  type HaQuery,
  type HaSideView,
  type HaView,
} from '../../../src-shared/ipc/ha-views';
import { pairHaSides } from '../../../src-shared/ha/judge-pair';

/** The most relationships one remote's HA hook declares (the protocol's own bound). */
const MAX_PER_REMOTE = 4;

interface Latest {
  reportedAt: number;
  /** The relationships of the last readable report: an unreadable one still belongs to its pair. */
  known: HaRelationship[];
  unreadable?: string;
}

/**
 * The latest Kea HA status per remote from the usage channel (docs/dhcp.md, "HA"), paired and judged on
 * read. Bounded by the fleet: one entry per remote, at most four relationships each. A usage message
 * without `ha` from a remote that reported DHCP means its Kea no longer loads the hook: its entry goes.
 */
export class HaTracker {
  private readonly byRemote = new Map<string, Latest>();

  constructor(private readonly now: () => number = Date.now) {}

  take(env: Envelope<'usage'>): void {
    const ha = env.body.ha;
    const at = this.now();
    if (ha === undefined) {
      if (env.body.dhcp !== undefined) this.byRemote.delete(env.from);
      return;
    }
    if (ha.kind === 'reported') {
      this.byRemote.set(env.from, { reportedAt: at, known: ha.relationships.slice(0, MAX_PER_REMOTE) });
    } else {
      const before = this.byRemote.get(env.from);
      this.byRemote.set(env.from, { reportedAt: at, known: before?.known ?? [], unreadable: ha.reason });
    }
  }

  /** A remote removed from the fleet: its side goes with it. */
  forget(remoteId: string): void {
    this.byRemote.delete(remoteId);
  }

  /** Every pair judged; with a remote id, only the pairs that remote is a side of. */
  list(q: HaQuery = {}): HaView {
    const now = this.now();
    const sides: HaSideView[] = [];
    for (const [remoteId, l] of this.byRemote) {
      const base = { remoteId, reportedAt: l.reportedAt, stale: now - l.reportedAt > HA_STALE_AFTER_MS };
      const unreadable = l.unreadable !== undefined ? { unreadable: l.unreadable } : {};
      if (l.known.length === 0) sides.push({ ...base, ...unreadable });
      for (const relationship of l.known) sides.push({ ...base, relationship, ...unreadable });
    }
    const pairs = pairHaSides(sides);
    return {
      pairs:
        q.remoteId === undefined
          ? pairs
          : pairs.filter((p) => p.sides.some((s) => s.remoteId === q.remoteId)),
    };
  }
}
