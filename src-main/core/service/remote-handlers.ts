import { mapBounded } from '../../../src-shared/util/map-bounded';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export interface RemoteHandlerOptions {
  /** Who is acting, for the audit trail. */
  actor: string;
  now: () => number;
  /** How long runCommand waits for the remotes' answers. */
  commandWaitMs: number;
}

/** Sends awaiting the broker's receipt at once; the waits for answers are not bounded by it. */
const SEND_CONCURRENCY = 64;

export const remoteHandlers = (
  session: () => ProfileSession,
  opts: RemoteHandlerOptions,
): HandlersOf<'getRemoteEvents' | 'runCommand'> => ({
  getRemoteEvents: ({ remoteId, limit }) => {
    const { events, corrupt } = session().events.store.recentOf(remoteId, limit);
    if (corrupt > 0) throw new Error(`${corrupt} stored event(s) of ${remoteId} do not read back`);
    return events;
  },

  runCommand: async ({ remoteIds, action, service }) => {
    const s = session();
    const unknown = remoteIds.filter((id) => !s.core.fleet.get(id));
    if (unknown.length > 0) {
      throw new CallError(
        'not-found',
        `Not in this profile's fleet: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}.`,
      );
    }
    if (action === 'flush-cache' && service !== 'named') {
      throw new CallError('bad-request', `Only named has a cache to flush; ${service} does not.`);
    }
    const outcomes = await mapBounded([...new Set(remoteIds)], SEND_CONCURRENCY, (rid) =>
      s.commands.run(rid, { action, service }, opts.commandWaitMs),
    );
    const count = (state: string) => outcomes.filter((o) => o.state === state).length;
    s.push.store.audit({
      at: opts.now(),
      actor: opts.actor,
      action: 'command',
      subject: `${action} ${service}`,
      detail: {
        remotes: outcomes.length,
        applied: count('applied'),
        failed: count('failed'),
        waiting: count('waiting'),
        notSent: count('not-sent'),
      },
    });
    return outcomes;
  },
});
