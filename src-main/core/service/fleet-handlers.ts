import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export const fleetHandlers = (
  session: () => ProfileSession,
  now: () => number,
): HandlersOf<'getFleet' | 'getConnection' | 'getRejects'> => ({
  getFleet: () => session().core.fleet.snapshot(now()),
  getConnection: () => session().core.connectionStatus(),
  getRejects: () => session().core.rejects(),
});
