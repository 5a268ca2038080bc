import type { DraftDiff } from '../../../src-shared/ipc/draft-views';

/**
 * A unified line diff as an admin reads one: each hunk under its @@ header, removed lines red with "-",
 * added lines green with "+", context plain, in monospace. Pure props; the push preview can use it as is.
 */
export function DiffView({ diff, label }: { diff: DraftDiff; label: string }) {
  if (diff.hunks.length === 0) return <p className="muted">No difference.</p>;
  return (
    <figure className="diff" aria-label={label}>
      <figcaption className="diff-head">
        <span>{label}</span>
        <span className="diff-count add">+{diff.added}</span>
        <span className="diff-count del">−{diff.removed}</span>
        {!diff.exact && <span className="muted">(too large to align: shown as a whole replacement)</span>}
      </figcaption>
      <pre className="diff-body">
        {diff.hunks.map((h, i) => (
          <span key={i} className="diff-hunk">
            <span className="diff-line hunk">
              @@ -{h.beforeStart},{h.beforeCount} +{h.afterStart},{h.afterCount} @@
            </span>
            {h.lines.map((l, j) => (
              <span
                key={j}
                className={`diff-line ${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}`}
                data-op={l.op}
              >
                {l.op}
                {l.text}
                {l.noNewline ? '  ⏎ no newline at end' : ''}
              </span>
            ))}
          </span>
        ))}
      </pre>
    </figure>
  );
}
