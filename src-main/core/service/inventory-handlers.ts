import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

type InventoryCall = 'listObjects' | 'getObjectHistory';

/** Zones & Scopes (docs/inventory.md); reconcile, revert and adopt are reconcile-handlers.ts. */
export const inventoryHandlers = (session: () => ProfileSession): HandlersOf<InventoryCall> => {
  return {
    listObjects: () => session().inventory.objects(),
    getObjectHistory: ({ key }) => {
      const history = session().inventory.history(key);
      if (history === undefined) {
        throw new CallError('not-found', `this profile never pushed ${key}: it has no versions to show`);
      }
      return history;
    },
  };
};
