import { z } from 'zod';
import type { Lease } from '../../../src-shared/ipc/draft-views';
import { askRemote, askServed } from './ask-remote';
import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/** The fields of a Kea lease4 an admin reads (Kea's own names); the rest is not shown. */
const KeaLease = z.object({
  'ip-address': z.string(),
  'hw-address': z.string().optional(),
  hostname: z.string().optional(),
  cltt: z.number().optional(),
  'valid-lft': z.number().optional(),
  state: z.number().optional(),
});
const LEASE_STATES: Record<number, string> = { 0: 'default', 1: 'declined', 2: 'expired-reclaimed' };

export function readLeases(raw: unknown): { leases: Lease[]; unreadable: number } {
  const list = z.object({ leases: z.array(z.unknown()) }).safeParse(raw);
  if (!list.success) return { leases: [], unreadable: 1 };
  const leases: Lease[] = [];
  let unreadable = 0;
  for (const item of list.data.leases) {
    const l = KeaLease.safeParse(item);
    if (!l.success) {
      unreadable++;
      continue;
    }
    const d = l.data;
    leases.push({
      ipAddress: d['ip-address'],
      hwAddress: d['hw-address'] || null,
      hostname: d.hostname || null,
      expiresAt:
        d.cltt !== undefined && d['valid-lft'] !== undefined ? (d.cltt + d['valid-lft']) * 1000 : null,
      state: LEASE_STATES[d.state ?? 0] ?? `state ${d.state}`,
    });
  }
  return { leases, unreadable };
}

/**
 * The Remote screen's "served configuration": asks the remote itself (a query, so it must be online) what
 * it serves for one zone or scope, and which leases it holds in a subnet. Objects this profile has pushed
 * are offered as choices; any other name can be asked for too.
 */
export const servedHandlers = (
  session: () => ProfileSession,
  opts: { queryTimeoutMs: number },
): HandlersOf<'getServed' | 'getLeases' | 'listPushedObjects'> => ({
  getServed: ({ remoteId, object }) => askServed(session(), remoteId, object, opts.queryTimeoutMs),
  getLeases: async ({ remoteId, subnet }) => ({
    subnet,
    ...readLeases(await askRemote(session(), remoteId, { query: 'leases', subnet }, opts.queryTimeoutMs)),
  }),
  listPushedObjects: () => session().push.store.objects(),
});
