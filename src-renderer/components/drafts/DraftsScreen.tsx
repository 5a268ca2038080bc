import { useCallback } from 'react';
import type { DraftSummary } from '../../../src-shared/ipc/draft-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge } from '../../format';
import { formatRoute } from '../../nav/route';
import { useSmt } from '../../store/react';
import { DraftEditor } from './DraftEditor';

const objectText = (d: DraftSummary) => (d.object.kind === 'zone' ? d.object.name : d.object.subnet);

/**
 * Drafts of zones and scopes, kept in the profile's database: listed with what they are for, when they
 * changed and whether they could be pushed, next to the open draft. Works with no broker at all.
 */
export function DraftsScreen({ draftId }: { draftId: string | undefined }) {
  const api = useApi();
  const now = useSmt((s) => s.now);
  // A page just (re)loaded asks once its link to the console is up.
  const linkOpen = useSmt((s) => s.link.kind === 'open');
  const read = useCallback(() => api.listDrafts(), [api]);
  const { value, error, reload } = useLoad(read, { enabled: linkOpen });
  const drafts = value?.drafts ?? null;
  const corrupt = value?.corrupt ?? [];

  return (
    <main className="screen drafts" aria-label="Drafts">
      <header className="screen-head">
        <h1 className="title">Drafts</h1>
        <span className="muted">saved in this profile; no broker needed</span>
        <span className="toolbar-spacer" />
        <a className="button small" href={formatRoute({ screen: 'drafts', draftId: 'new' })}>
          New draft
        </a>
      </header>
      <div className="drafts-grid">
        <section className="panel" aria-labelledby="drafts-list-title">
          <h2 id="drafts-list-title">Saved drafts</h2>
          {error && (
            <p role="alert" className="field-error">
              {error}
            </p>
          )}
          {corrupt.map((c) => (
            <p key={c} className="notice tone-warn">
              {c}. It is left out; delete it from the database or restore a backup.
            </p>
          ))}
          {drafts?.length === 0 && (
            <p className="empty">
              No drafts yet. Start one with “New draft”: it is kept here until you delete it.
            </p>
          )}
          {drafts && drafts.length > 0 && (
            <table className="grid draft-list" aria-label="Drafts list">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Object</th>
                  <th scope="col">Updated</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {drafts.map((d) => (
                  <tr key={d.id} data-draft={d.id} aria-current={d.id === draftId ? 'true' : undefined}>
                    <td>
                      <a href={formatRoute({ screen: 'drafts', draftId: d.id })}>{d.name}</a>
                    </td>
                    <td className="mono">
                      <span className="muted">{d.object.kind} </span>
                      {objectText(d)}
                    </td>
                    <td className="muted" title={new Date(d.updatedAt).toISOString()}>
                      {formatAge(d.updatedAt, now)}
                    </td>
                    <td>
                      {d.problems === 0 ? (
                        <span className="badge status-online">valid</span>
                      ) : (
                        <span className="badge status-offline">
                          {d.problems} problem{d.problems === 1 ? '' : 's'}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {draftId === undefined ? (
          <section className="panel" aria-label="Draft">
            <p className="empty">Pick a draft on the left, or start a new one.</p>
          </section>
        ) : (
          <DraftEditor draftId={draftId} onSaved={reload} />
        )}
      </div>
    </main>
  );
}
