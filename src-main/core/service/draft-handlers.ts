import { payloadText } from '../../../src-shared/drafts/draft-content';
import { DraftInput, type Draft } from '../../../src-shared/ipc/draft-views';
import { checkDraft, DraftNotCheckable } from '../drafts/check-draft';
import { PushRefused } from '../push/plan';
import { DraftStore, newDraftId } from '../store/draft-store';
import { StoreCorruptError } from '../store/push-store';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export interface DraftHandlerOptions {
  actor: string;
  now: () => number;
  /** How long each target has to say what it serves, for checkDraft. */
  checkTimeoutMs: number;
}

/** One store per session's database, made when first asked for. */
const stores = new WeakMap<ProfileSession, DraftStore>();
export function draftStoreOf(s: ProfileSession): DraftStore {
  let store = stores.get(s);
  if (!store) {
    store = new DraftStore(s.db);
    stores.set(s, store);
  }
  return store;
}

const notFound = (id: string) =>
  new CallError(
    'not-found',
    `No draft ${id} in this profile: it was deleted, or belongs to another profile.`,
  );

function read(s: ProfileSession, id: string): Draft {
  let draft: Draft | undefined;
  try {
    draft = draftStoreOf(s).get(id);
  } catch (e) {
    if (e instanceof StoreCorruptError) {
      throw new CallError('unavailable', `${e.message}. Delete it and write it again.`);
    }
    throw e;
  }
  if (!draft) throw notFound(id);
  return draft;
}

/**
 * Drafts live in the profile's database, so all but checkDraft work with no broker at all. A draft's base
 * is taken when it is created (and again when its object changes): the highest version this profile has
 * pushed for the object and, if this profile pushed it, that version's text.
 */
export const draftHandlers = (
  session: () => ProfileSession,
  opts: DraftHandlerOptions,
): HandlersOf<'listDrafts' | 'getDraft' | 'saveDraft' | 'deleteDraft' | 'checkDraft'> => ({
  listDrafts: () => draftStoreOf(session()).list(),

  getDraft: ({ id }) => read(session(), id),

  saveDraft: (input) => {
    const s = session();
    const store = draftStoreOf(s);
    const d = DraftInput.parse(input);
    const now = opts.now();
    const old = d.id === undefined ? undefined : read(s, d.id);
    const sameObject = old !== undefined && JSON.stringify(old.object) === JSON.stringify(d.object);
    const baseFor = () => {
      const version = s.push.store.maxVersion(d.object);
      const push = version > 0 ? s.push.store.pushAt(d.object, version) : undefined;
      const text = push === undefined ? null : push.payload === undefined ? '' : payloadText(push.payload);
      return { version, text };
    };
    return store.put(
      {
        id: old?.id ?? newDraftId(),
        name: d.name,
        object: d.object,
        content: d.content,
        targets: d.targets,
        base: sameObject ? old.base : baseFor(),
        createdAt: old?.createdAt ?? now,
        updatedAt: now,
        author: old?.author ?? opts.actor,
      },
      old === undefined,
    );
  },

  deleteDraft: ({ id }) => {
    if (!draftStoreOf(session()).delete(id)) throw notFound(id);
    return { deleted: id };
  },

  checkDraft: async ({ id }) => {
    const s = session();
    const draft = read(s, id);
    const link = s.core.connectionStatus().state.kind;
    if (link !== 'connected') {
      throw new CallError(
        'unavailable',
        `No broker is connected (${link}): a check asks each remote what it serves now. The draft is saved; check again when the connection bar shows connected.`,
      );
    }
    try {
      return await checkDraft(
        draft,
        {
          query: (rid, body, q) => s.core.query(rid, body, q),
          remotes: () => s.core.fleet.selectable(),
          maxVersion: (object) => s.push.store.maxVersion(object),
          pushAt: (object, version) => s.push.store.pushAt(object, version),
        },
        opts.now(),
        { timeoutMs: opts.checkTimeoutMs },
      );
    } catch (e) {
      if (e instanceof DraftNotCheckable || e instanceof PushRefused)
        throw new CallError('bad-request', e.message);
      throw e;
    }
  },
});
