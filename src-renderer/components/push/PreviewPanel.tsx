import type { PushPreview } from '../../../src-shared/push/preview';
import { previewStatuses } from '../../../src-shared/push/preview';

const statusHelp: Record<(typeof previewStatuses)[number], string> = {
  new: 'does not serve it yet',
  changed: 'serves something else (diff below)',
  unchanged: 'already serves exactly this',
  removed: 'serves it; the delete removes it',
  absent: 'does not serve it; the delete would fail',
  unreachable: 'offline or no answer in time; the push waits for it',
  error: 'answered with an error',
};

/** What the push would do on each target: classes with counts, then each distinct diff once. */
export function PreviewPanel({ preview }: { preview: PushPreview }) {
  const odd = preview.remotes.filter((r) => r.status === 'unreachable' || r.status === 'error');
  return (
    <section className="panel" aria-labelledby="preview-title">
      <h2 id="preview-title">
        Preview of version {preview.proposedVersion} on {preview.remotes.length} remote
        {preview.remotes.length === 1 ? '' : 's'}
      </h2>
      <ul className="chips" aria-label="Preview counts">
        {previewStatuses
          .filter((s) => (preview.counts[s] ?? 0) > 0)
          .map((s) => (
            <li key={s} className={`chip preview-${s}`} title={statusHelp[s]} data-status={s}>
              {s} <span className="num">{preview.counts[s]}</span>
            </li>
          ))}
      </ul>
      {preview.unknown.length > 0 && (
        <p className="notice tone-warn">
          Not in the fleet, left out: {preview.unknown.join(', ')}. Check the ids or wait for those remotes to
          say hello.
        </p>
      )}
      {odd.length > 0 && (
        <table className="grid compact" aria-label="Remotes that did not answer">
          <tbody>
            {odd.slice(0, 50).map((r) => (
              <tr key={r.remote}>
                <td className="mono">{r.remote}</td>
                <td>{r.status}</td>
                <td>{r.reason ?? r.unreachable ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.diffs.map((d) => (
        <figure key={d.servedSha256} className="diff" aria-label={`Diff for ${d.remotes.length} remotes`}>
          <figcaption>
            <strong>
              −{d.removed} +{d.added}
            </strong>{' '}
            on {d.remotes.length} remote{d.remotes.length === 1 ? '' : 's'}:{' '}
            <span className="mono">
              {d.remotes.slice(0, 12).join(', ')}
              {d.remotes.length > 12 ? ` and ${d.remotes.length - 12} more` : ''}
            </span>
            {!d.exact && <span className="muted"> (shown as a whole replacement)</span>}
          </figcaption>
          <pre className="mono">
            {d.hunks.map((h) => (
              <span key={`${h.beforeStart}-${h.afterStart}`}>
                <span className="hunk">{`@@ -${h.beforeStart},${h.beforeCount} +${h.afterStart},${h.afterCount} @@\n`}</span>
                {h.lines.map((l, i) => (
                  <span key={i} className={l.op === '+' ? 'add' : l.op === '-' ? 'del' : undefined}>
                    {`${l.op}${l.text}\n`}
                  </span>
                ))}
              </span>
            ))}
          </pre>
        </figure>
      ))}
      {preview.counts.new === preview.remotes.length && (
        <p className="muted">No target serves this {preview.object.kind} yet: every one gets it new.</p>
      )}
    </section>
  );
}
