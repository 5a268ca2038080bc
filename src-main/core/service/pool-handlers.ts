import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/** DHCP pools fleet-wide (docs/dhcp.md). */
export const poolHandlers = (session: () => ProfileSession): HandlersOf<'listPools'> => ({
  listPools: (q) => session().pools.tracker.list(q),
});
