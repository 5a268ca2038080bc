import type { LeaseSearchView } from '../../../src-shared/ipc/lease-views';
import type { IpcResult } from '../../../src-shared/ipc/result';
import { leaseFindOf, type LeaseFindBy } from '../../../src-shared/protocol/lease-find';

/** The lease search box: one search at a time; a newer one makes an older answer stale. */
export type SearchState =
  | { kind: 'idle' }
  /** Refused before anything was sent (a malformed value), or refused by the console (no broker). */
  | { kind: 'refused'; message: string }
  | { kind: 'searching'; seq: number; label: string }
  | { kind: 'done'; view: LeaseSearchView };

export type SearchEvent =
  | { type: 'submit'; value: string; by: LeaseFindBy | undefined; seq: number }
  | { type: 'answer'; seq: number; result: IpcResult<LeaseSearchView> };

/**
 * Pure: the next state. A submit whose value does not read as an IP, MAC, client id or hostname is
 * refused here with what is wrong (leaseFindOf), so the renderer sends nothing; an answer to any but the
 * newest search is dropped.
 */
export function nextSearch(state: SearchState, e: SearchEvent): SearchState {
  switch (e.type) {
    case 'submit': {
      const parsed = leaseFindOf(e.value, e.by);
      if (!parsed.ok) return { kind: 'refused', message: parsed.error };
      return { kind: 'searching', seq: e.seq, label: `${parsed.query.by} ${parsed.query.value}` };
    }
    case 'answer':
      if (state.kind !== 'searching' || state.seq !== e.seq) return state;
      return e.result.ok
        ? { kind: 'done', view: e.result.value }
        : { kind: 'refused', message: e.result.error.message };
  }
}
