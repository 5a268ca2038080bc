import { historyIn } from '../inventory/plan-actions';
import { intendedScope, planReservations } from '../inventory/plan-reservations';
import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';
import { refusedAsCallError, viewOf, type InventoryPort } from './reconcile-handlers';

/**
 * The Reservations editor's calls (docs/reservations.md): the intended scope to start from, and the edited
 * list planned as a push. Nothing is sent or audited here: the Push screen starts the plan on the ordinary
 * push path, which audits it.
 */
export const reservationHandlers = (
  session: () => ProfileSession,
  port: (s: ProfileSession) => InventoryPort,
): HandlersOf<'getIntendedScope' | 'planReservations'> => ({
  getIntendedScope: ({ key }) => {
    const s = session();
    const view = viewOf(port(s), key);
    return refusedAsCallError(() => intendedScope(view, historyIn(s.push.store, view.object)));
  },
  planReservations: (query) => {
    const s = session();
    const view = viewOf(port(s), query.key);
    return refusedAsCallError(() => planReservations(view, historyIn(s.push.store, view.object), query));
  },
});
