import { useState } from 'react';
import type { IpcError, IpcResult, SmtApi } from '../../../src-shared/ipc';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';

/** What the screen's last action is doing or did; one at a time, so a double click plans nothing twice. */
export type ActionState =
  { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'failed'; what: string; message: string };

/** What to do next, by the kind of failure; the console's own message comes first. */
export function nextStep(e: IpcError, action: 'reconcile' | 'revert' | 'adopt' | 'history'): string {
  switch (e.code) {
    case 'unavailable':
      return action === 'adopt'
        ? 'Adopting asks the remote what it serves: try again once it is online and the broker link is up.'
        : 'Check the broker link in the top bar, then try again.';
    case 'not-found':
      return 'The console no longer knows it: reload Zones & Scopes and look again.';
    case 'bad-request':
      return action === 'reconcile'
        ? 'The remotes may have changed state since this view: reload it and reconcile again.'
        : 'Reload Zones & Scopes and try again.';
    case 'forbidden':
      return 'This profile may not do that: see the audit trail and the console log.';
    case 'internal':
      return 'The console failed: its log says why.';
  }
}

const failure = (e: IpcError, action: Parameters<typeof nextStep>[1]) =>
  `${e.message.replace(/\.?$/, '.')} ${nextStep(e, action)}`;

/**
 * Reconcile, revert and adopt as the screen runs them: each asks the console for a plan (or a draft) and
 * hands it to the ordinary screen that acts on it, Push or Drafts; nothing is pushed from here.
 */
export function useObjectActions() {
  const api = useApi();
  const openPlannedPush = useSmt((s) => s.openPlannedPush);
  const navigate = useSmt((s) => s.navigate);
  const [state, setState] = useState<ActionState>({ kind: 'idle' });

  const run = async <T>(
    what: string,
    action: Parameters<typeof nextStep>[1],
    call: (api: SmtApi) => Promise<IpcResult<T>>,
    then: (value: T) => void,
  ) => {
    if (state.kind === 'busy') return;
    setState({ kind: 'busy', what });
    const r = await call(api);
    if (!r.ok) return setState({ kind: 'failed', what, message: failure(r.error, action) });
    setState({ kind: 'idle' });
    then(r.value);
  };

  return {
    state,
    dismiss: () => setState({ kind: 'idle' }),
    reconcile: (o: ObjectView, remoteId?: string) =>
      run(
        `Planning the reconcile of ${o.key}${remoteId ? ` on ${remoteId}` : ''}`,
        'reconcile',
        (a) => a.planReconcile({ key: o.key, ...(remoteId ? { remoteIds: [remoteId] } : {}) }),
        openPlannedPush,
      ),
    revert: (o: ObjectView, version: number) =>
      run(
        `Planning the revert of ${o.key} to version ${version}`,
        'revert',
        (a) => a.planRevert({ key: o.key, version }),
        openPlannedPush,
      ),
    adopt: (o: ObjectView, remoteId: string) =>
      run(
        `Adopting what ${remoteId} serves for ${o.key}`,
        'adopt',
        (a) => a.adoptServed({ key: o.key, remoteId }),
        (draft) => navigate({ screen: 'drafts', draftId: draft.id }),
      ),
  };
}

export type ObjectActions = ReturnType<typeof useObjectActions>;
