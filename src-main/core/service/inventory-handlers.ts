import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

type InventoryCall = 'listObjects' | 'getObjectHistory' | 'planReconcile' | 'planRevert' | 'adoptServed';

/** Zones & Scopes (docs/inventory.md). */
export const inventoryHandlers = (session: () => ProfileSession): HandlersOf<InventoryCall> => {
  const notYet = (): never => {
    session();
    throw new CallError('unavailable', 'Zones & Scopes is not available in this build.');
  };
  return {
    listObjects: () => session().inventory.objects(),
    getObjectHistory: ({ key }) => {
      const history = session().inventory.history(key);
      if (history === undefined) {
        throw new CallError('not-found', `this profile never pushed ${key}: it has no versions to show`);
      }
      return history;
    },
    planReconcile: notYet,
    planRevert: notYet,
    adoptServed: notYet,
  };
};
