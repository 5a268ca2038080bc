import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

type InventoryCall = 'listObjects' | 'getObjectHistory';

/** Zones & Scopes (docs/inventory.md); reconcile, revert and adopt are reconcile-handlers.ts. */
export const inventoryHandlers = (session: () => ProfileSession): HandlersOf<InventoryCall> => {
  const notYet = (): never => {
    session();
    throw new CallError('unavailable', 'Zones & Scopes is not available in this build.');
  };
  return {
    listObjects: notYet,
    getObjectHistory: notYet,
  };
};
