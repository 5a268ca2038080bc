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
    listObjects: notYet,
    getObjectHistory: notYet,
    planReconcile: notYet,
    planRevert: notYet,
    adoptServed: notYet,
  };
};
