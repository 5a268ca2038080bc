import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/** Kea HA pairs (docs/dhcp.md, "HA"). */
export const haHandlers = (session: () => ProfileSession): HandlersOf<'listHa'> => ({
  listHa: (q) => session().ha.tracker.list(q),
});
