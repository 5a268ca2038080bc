import { ComposePush } from './ComposePush';
import { PushProgressView } from './PushProgressView';
import { RecentPushes } from './RecentPushes';

/** #/push: compose and the recent pushes; #/push/<id>: that push, live. */
export function PushScreen({ pushId }: { pushId: string | null }) {
  return (
    <main className="screen push-screen" aria-label="Push">
      {pushId === null ? (
        <>
          <div className="screen-head">
            <h1 className="title">Push</h1>
            <span className="muted">A zone or a scope to many remotes, previewed first, followed live.</span>
          </div>
          <ComposePush />
          <RecentPushes />
        </>
      ) : (
        <PushProgressView key={pushId} pushId={pushId} />
      )}
    </main>
  );
}
