import type { RemoteObjectView, SyncState } from '../../../src-shared/ipc/inventory-views';
import type { RemoteView } from '../../../src-shared/ipc';

export const stateLabel: Record<SyncState, string> = {
  'in-sync': 'in sync',
  drifted: 'drifted',
  missing: 'missing',
  extra: 'extra',
  unknown: 'unknown',
};

export const stateHelp: Record<SyncState, string> = {
  'in-sync': 'serves exactly the intended version',
  drifted: 'serves something else than the intended version (edited by hand?)',
  missing: 'the console applied it here and the remote no longer serves it',
  extra: 'serves an object this console never pushed',
  unknown: 'no inventory from this remote yet, or its service could not be read',
};

/** The first 8 hex digits, as git shows a commit: enough to tell two versions apart at a glance. */
export const shortHash = (sha: string | null): string => (sha === null ? '–' : sha.slice(0, 8));

/**
 * An inventory is sent on connect and whenever what the remote serves changes, never on a timer: an old
 * report from an online remote is current. It is stale once the remote is not online (the fleet says so):
 * what it serves may have changed since, unseen.
 */
export function reportStale(row: RemoteObjectView, fleet: RemoteView | undefined): boolean {
  return row.reportedAt !== null && fleet?.status !== 'online';
}
