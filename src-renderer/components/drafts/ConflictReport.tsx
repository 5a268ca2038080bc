import type { DraftCheck, DraftCheckEntry } from '../../../src-shared/ipc/draft-views';
import { formatClock } from '../../format';
import { DiffView } from './DiffView';

const statusText: Record<DraftCheckEntry['status'], string> = {
  conflict: 'conflict',
  current: 'no conflict',
  'not-served': 'not served yet',
  unreachable: 'did not answer',
  error: 'error',
};

/** Per remote: whether pushing the draft would overwrite a change made since the draft's base, and which. */
export function ConflictReport({ check }: { check: DraftCheck }) {
  const tone = check.conflicts > 0 ? 'bad' : 'ok';
  return (
    <section className="panel" aria-labelledby="check-title">
      <div className="panel-head">
        <h2 id="check-title">Conflict check</h2>
        <span className="muted">at {formatClock(check.checkedAt)}</span>
      </div>
      <p className={`check-summary tone-${tone}`} role="status">
        {check.conflicts > 0
          ? `${check.conflicts} of ${check.remotes.length} remotes moved past the draft's base (version ${check.baseVersion}): pushing it would overwrite their change. Review the differences below.`
          : `No conflict on ${check.remotes.length} remote${check.remotes.length === 1 ? '' : 's'}: none serves a version newer than the draft's base (version ${check.baseVersion}).`}
      </p>
      {check.unknown.length > 0 && <p className="muted">Not in the fleet: {check.unknown.join(', ')}.</p>}
      <ul className="check-list">
        {check.remotes.map((r) => (
          <li
            key={r.remote}
            data-remote={r.remote}
            data-status={r.status}
            aria-label={`${r.remote}: ${statusText[r.status]}`}
          >
            <div className="check-row">
              <span className="mono">{r.remote}</span>
              <span className={`badge check-${r.status}`}>{statusText[r.status]}</span>
              <span className="muted">
                {r.servedVersion === null ? 'no version served' : `serves version ${r.servedVersion}`}
              </span>
              {r.reason && <span className="muted">— {r.reason}</span>}
            </div>
            {r.sinceBase && (
              <DiffView diff={r.sinceBase} label={`What changed on ${r.remote} since the draft's base`} />
            )}
            {r.status === 'conflict' && !r.sinceBase && (
              <p className="muted">
                The base or the served version was not pushed from this profile, so what changed between them
                is not known here.
              </p>
            )}
            {r.overwrite && (
              <DiffView diff={r.overwrite} label={`What pushing the draft would change on ${r.remote}`} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
