import type { RemoteObjectView, SyncState } from '../../../src-shared/ipc/inventory-views';

/** One remote's row in an object's inventory view, as the planning and reconcile tests build them. */
export const remoteObjectView = (
  remoteId: string,
  state: SyncState,
  serial: number | null = null,
): RemoteObjectView => ({
  remoteId,
  state,
  servedSha256: null,
  servedVersion: null,
  serial,
  since: null,
  reportedAt: 1,
  note: null,
});
