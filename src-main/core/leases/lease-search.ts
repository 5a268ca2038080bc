import { z } from 'zod';
import { FoundLeases, type LeaseFindQuery } from '../../../src-shared/protocol/lease-find';
import type { LeaseSearchView } from '../../../src-shared/ipc/lease-views';
import { mapBounded } from '../../../src-shared/util/map-bounded';
import { errorText } from '../../../src-shared/util/error-text';
import type { ConsoleCore } from '../console-core';

/** Queries waiting at once: a search of 1,000 remotes must not ask them all in one tick. */
const SEARCH_CONCURRENCY = 16;

/** What of the core a search uses: a test may stand in for it. */
export type LeaseSearchCore = Pick<ConsoleCore, 'query'> & {
  fleet: Pick<ConsoleCore['fleet'], 'selectable'>;
};

type Answer = { remoteId: string; found: FoundLeases } | { remoteId: string; error: string };

/**
 * Lease search across the fleet (docs/dhcp.md, "Lease search"): asks every online DHCPv4 remote the
 * `lease-find` query at once (bounded), and gathers what each found. A remote that does not answer in
 * time, answers an error (a Kea without lease_cmds) or answers something that is not FoundLeases is
 * listed in `failed` with the reason; the others' leases are the results, each with the remote it is on.
 */
export async function searchLeases(
  core: LeaseSearchCore,
  query: LeaseFindQuery,
  opts: { timeoutMs: number },
): Promise<LeaseSearchView> {
  const dhcp = core.fleet.selectable().filter((r) => r.capabilities.includes('dhcp4'));
  const asked = dhcp.filter((r) => r.status === 'online').map((r) => r.id);
  const offline = dhcp.filter((r) => r.status !== 'online').map((r) => r.id);
  const answers = await mapBounded(asked, SEARCH_CONCURRENCY, async (remoteId): Promise<Answer> => {
    try {
      const reply = await core.query(remoteId, query, { timeoutMs: opts.timeoutMs });
      if (!reply.ok) return { remoteId, error: reply.error };
      const found = FoundLeases.safeParse(reply.data);
      if (!found.success) {
        return {
          remoteId,
          error: `answered something that is not a lease list (${z.prettifyError(found.error).split('\n')[0]}); update its agent`,
        };
      }
      return { remoteId, found: found.data };
    } catch (e) {
      return { remoteId, error: errorText(e) };
    }
  });
  const results = answers.flatMap((a) =>
    'found' in a ? a.found.leases.map((l) => ({ remoteId: a.remoteId, ...l })) : [],
  );
  return {
    by: query.by,
    value: query.value,
    results,
    asked,
    offline,
    failed: answers.flatMap((a) => ('error' in a ? [{ remoteId: a.remoteId, error: a.error }] : [])),
    truncated: answers.flatMap((a) => ('found' in a && a.found.truncated ? [a.remoteId] : [])),
  };
}
