import { objectKey } from '../../../src-shared/config/object-key';
import { objectOfKey } from '../../../src-shared/config/object-of-key';
import { ScopeTextError, readScopeText } from '../../../src-shared/config/scope-text';
import type { DraftContent } from '../../../src-shared/ipc/draft-views';
import type { ObjectKey, ObjectView } from '../../../src-shared/ipc/inventory-views';
import { ActionRefused, historyIn, planReconcile, planRevert } from '../inventory/plan-actions';
import { objectLabel } from '../push/preview';
import { askServed } from './ask-remote';
import { draftHandlers } from './draft-handlers';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * What reconcile, revert and adopt read of the served inventory (the read side, docs/inventory.md): one
 * object's view against every remote, and, for a process that has not been listening (`smt`), a way to ask
 * the online remotes for their inventories first.
 */
export interface InventoryPort {
  object(key: ObjectKey): ObjectView | undefined;
}

export interface ReconcileHandlerOptions {
  actor: string;
  now: () => number;
  /** How long the remote has to say what it serves (adopt). */
  queryTimeoutMs: number;
}

/** Planning with an ActionRefused turned into the CallError it names. */
export function refusedAsCallError<T>(plan: () => T): T {
  try {
    return plan();
  } catch (e) {
    if (e instanceof ActionRefused) throw new CallError(e.code, e.message);
    throw e;
  }
}

export function viewOf(port: InventoryPort, key: ObjectKey): ObjectView {
  const view = port.object(key);
  if (!view) {
    throw new CallError(
      'not-found',
      `No ${key} in the served inventory: this profile never pushed it and no remote reports serving it.`,
    );
  }
  return view;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Reconcile and revert plan a push from the port's view of the object and send nothing: the renderer and `smt` preview it and start it on
 * the ordinary push path, which audits it. Adopt creates a draft, and is audited here.
 */
export const reconcileHandlers = (
  session: () => ProfileSession,
  port: (s: ProfileSession) => InventoryPort,
  opts: ReconcileHandlerOptions,
): HandlersOf<'planReconcile' | 'planRevert' | 'adoptServed'> => {
  const drafts = draftHandlers(session, { ...opts, checkTimeoutMs: opts.queryTimeoutMs });
  return {
    planReconcile: ({ key, remoteIds }) => {
      const s = session();
      const view = viewOf(port(s), key);
      return refusedAsCallError(() => planReconcile(view, historyIn(s.push.store, view.object), remoteIds));
    },

    planRevert: ({ key, version }) => {
      const s = session();
      const view = viewOf(port(s), key);
      return refusedAsCallError(() => planRevert(view, historyIn(s.push.store, view.object), version));
    },

    adoptServed: async ({ key, remoteId }) => {
      const s = session();
      // Adopt needs no inventory: the object as this profile spelled it when it pushed it, else as keyed.
      const object = s.push.store.objects().find((o) => objectKey(o) === key) ?? objectOfKey(key);
      if (!object) throw new CallError('bad-request', `${key} is not an object key`);
      const label = objectLabel(object);
      const served = await askServed(s, remoteId, object, opts.queryTimeoutMs);
      if (!served.served) {
        throw new CallError('not-found', `${remoteId} does not serve ${label}: there is nothing to adopt.`);
      }
      if (served.text === null) {
        throw new CallError(
          'unavailable',
          `${remoteId} serves ${label} but did not send its text; update its agent.`,
        );
      }
      let content: DraftContent;
      if (object.kind === 'zone') content = { format: 'zone-text', text: served.text };
      else {
        try {
          content = {
            format: 'scope',
            scope: readScopeText(served.text),
          };
        } catch (e) {
          if (e instanceof ScopeTextError) {
            throw new CallError(
              'unavailable',
              `${remoteId} serves ${label} as text this console cannot read (${e.message}).`,
            );
          }
          throw e;
        }
      }
      const now = opts.now();
      const draft = await drafts.saveDraft({
        name: `adopted from ${remoteId} ${isoDay(now)}`,
        object,
        content,
        targets: remoteId,
      });
      s.push.store.audit({
        at: now,
        actor: opts.actor,
        action: 'adopt',
        subject: draft.id,
        detail: { object, remoteId, version: served.version, sha256: served.sha256 },
      });
      return draft;
    },
  };
};
