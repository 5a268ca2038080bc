import type { InventoryPort } from '../core/service/reconcile-handlers';
import { CliExit, Exit } from './args';
import type { Session } from './session';

/**
 * The served inventory as `smt reconcile` and `smt revert` read it. The CLI process has not been
 * listening to the remotes' inventories, so the port's refresh() (asking the online remotes) runs first.
 */
export function inventoryPortOf(session: Session): InventoryPort {
  // TODO(integrator): the read side on this session's core and database, with refresh().
  void session;
  throw new CliExit(Exit.error, 'the served inventory is not available in this build of smt');
}
