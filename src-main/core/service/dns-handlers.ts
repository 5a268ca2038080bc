import type { FindNameView } from '../../../src-shared/ipc/dns-views';
import type { LookupRrtype } from '../../../src-shared/protocol';
import { findName } from '../dns/find-name';
import { askRemote } from './ask-remote';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * Find a name over a session's core and inventory: the desktop console's and `smt find`'s. It asks
 * remotes, so it needs a broker; with none every remote would only time out, so it is refused at once.
 */
export function findNameIn(
  s: Pick<ProfileSession, 'core' | 'inventory'>,
  query: { name: string; rrtype: LookupRrtype },
  timeoutMs: number,
): Promise<FindNameView> {
  const link = s.core.connectionStatus().state.kind;
  if (link !== 'connected') {
    throw new CallError(
      'unavailable',
      `No broker is connected (${link}): finding a name asks the remotes. Try again when the connection bar shows connected.`,
    );
  }
  return findName(
    {
      remotes: () => s.core.fleet.selectable(),
      objects: () => s.inventory.objects(),
      lookup: (remoteId, name, rrtype) =>
        askRemote(s, remoteId, { query: 'lookup', name, rrtype }, timeoutMs),
      now: () => Date.now(),
    },
    query,
  );
}

/** DNS across the fleet (docs/dns.md). */
export const dnsHandlers = (
  session: () => ProfileSession,
  opts: { queryTimeoutMs: number },
): HandlersOf<'findName'> => ({
  findName: (query) => findNameIn(session(), query, opts.queryTimeoutMs),
});
