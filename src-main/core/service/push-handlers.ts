import { toPushDetail, toPushListItem } from '../push/push-views';
import { previewParsed } from '../push/preview';
import { PushRefused } from '../push/plan';
import { StoreUnwritableError } from '../store/unwritable';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export interface PushHandlerOptions {
  /** Who is acting: the author of the pushes started here, and of their cancels and retries. */
  actor: string;
  now: () => number;
}

/** The recent pushes list shows this many; older ones stay in the outbox and in `smt`. */
export const RECENT_PUSHES = 100;

/**
 * A push refused for what the admin asked (not a console fault): its message says what to change. A
 * database that cannot be written (full or read-only disk) is `unavailable`, with what to do about it.
 */
function refused(e: unknown): unknown {
  if (e instanceof PushRefused) return new CallError('bad-request', e.message);
  if (e instanceof StoreUnwritableError) {
    return new CallError(
      'unavailable',
      `${e.message}. Nothing was changed; try again once it can be written.`,
    );
  }
  return e;
}

function refusal<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw refused(e);
  }
}

async function refusalAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw refused(e);
  }
}

const notFound = (id: string) =>
  new CallError('not-found', `No push ${id} in this profile's outbox: open one from the recent pushes list.`);

export const pushHandlers = (
  session: () => ProfileSession,
  opts: PushHandlerOptions,
): HandlersOf<'previewPush' | 'startPush' | 'listPushes' | 'getPush' | 'cancelPush' | 'retryPush'> => {
  const mustExist = (id: string) => {
    const rec = session().push.store.push(id);
    if (!rec) throw notFound(id);
    return rec;
  };
  return {
    previewPush: (request) => {
      const s = session();
      return refusalAsync(() =>
        previewParsed(request, {
          query: (rid, body, q) => s.core.query(rid, body, q),
          remotes: () => s.core.fleet.selectable(),
          maxVersion: (object) => s.push.store.maxVersion(object),
        }),
      );
    },

    startPush: (request) =>
      refusal(() => {
        const { push, unknown } = session().push.engine.pushParsed({ ...request, author: opts.actor });
        return { pushId: push.id, version: push.version, targets: push.targets.length, unknown };
      }),

    listPushes: () => {
      const { engine, store } = session().push;
      const at = opts.now();
      return store
        .pushes()
        .slice(-RECENT_PUSHES)
        .reverse()
        .map((p) => toPushListItem(p, engine.deliveries(p.id), at));
    },

    getPush: (id) => {
      const rec = mustExist(id);
      return toPushDetail(rec, session().push.engine.deliveries(id), opts.now());
    },

    cancelPush: (id) => {
      mustExist(id);
      return refusalAsync(() => session().push.engine.cancel(id, opts.actor));
    },

    retryPush: (id) => {
      mustExist(id);
      return refusal(() => session().push.engine.retry(id, opts.actor));
    },
  };
};
