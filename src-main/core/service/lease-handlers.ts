import { leaseFindOf } from '../../../src-shared/protocol/lease-find';
import { searchLeases } from '../leases/lease-search';
import type { LogSink } from '../../../src-node/log';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * Lease search (docs/dhcp.md): a malformed value is refused with what is wrong with it and nothing is
 * sent; with no broker connected nobody can answer, which is said rather than an empty result.
 */
export const leaseHandlers = (
  session: () => ProfileSession,
  opts: { queryTimeoutMs: number; log?: LogSink },
): HandlersOf<'searchLeases'> => ({
  searchLeases: async ({ value, by }) => {
    const s = session();
    const parsed = leaseFindOf(value, by);
    if (!parsed.ok) {
      opts.log?.({ level: 'warn', msg: 'lease search refused: malformed value', error: parsed.error });
      throw new CallError('bad-request', parsed.error);
    }
    const link = s.core.connectionStatus().state.kind;
    if (link !== 'connected') {
      throw new CallError(
        'unavailable',
        `No broker is connected (${link}): only online remotes can say which leases they hold. Try again when the connection bar shows connected.`,
      );
    }
    return searchLeases(s.core, parsed.query, { timeoutMs: opts.queryTimeoutMs });
  },
});
