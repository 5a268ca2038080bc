import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export const trendHandlers = (session: () => ProfileSession): HandlersOf<'getTrend'> => ({
  getTrend: (q) => {
    const s = session();
    if (!s.core.fleet.get(q.remoteId)) {
      throw new CallError(
        'not-found',
        `No remote ${q.remoteId} in this profile's fleet: pick one from the fleet table.`,
      );
    }
    return s.trends.recorder.query(q);
  },
});
