import { findName } from '../dns/find-name';
import { askRemote } from './ask-remote';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * DNS across the fleet (docs/dns.md). Find a name asks remotes, so it needs a broker; with none every
 * remote would only time out, so it is refused at once instead.
 */
export const dnsHandlers = (
  session: () => ProfileSession,
  opts: { queryTimeoutMs: number },
): HandlersOf<'findName'> => ({
  findName: ({ name, rrtype }) => {
    const s = session();
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
        lookup: (remoteId, n, t) =>
          askRemote(s, remoteId, { query: 'lookup', name: n, rrtype: t }, opts.queryTimeoutMs),
        now: () => Date.now(),
      },
      { name, rrtype },
    );
  },
});
