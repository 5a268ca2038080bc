import { useSmt } from '../../store/react';
import { ComposePush } from './ComposePush';
import { PushProgressView } from './PushProgressView';
import { RecentPushes } from './RecentPushes';

/** #/push: compose and the recent pushes; #/push/<id>: that push, live. */
export function PushScreen({ pushId }: { pushId: string | null }) {
  // A new plan (another reconcile or revert) is a new form, not edits on the last one.
  const planSeq = useSmt((s) => s.pushPlan?.seq ?? 0);
  return (
    <main className="screen push-screen" aria-label="Push">
      {pushId === null ? (
        <>
          <div className="screen-head">
            <h1 className="title">Push</h1>
            <span className="muted">A zone or a scope to many remotes, previewed first, followed live.</span>
          </div>
          <ComposePush key={planSeq} />
          <RecentPushes />
        </>
      ) : (
        <PushProgressView key={pushId} pushId={pushId} />
      )}
    </main>
  );
}
