import { useCallback } from 'react';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge, formatClock } from '../../format';
import { useSmt } from '../../store/react';
import type { ObjectActions } from './object-actions';
import { shortHash } from './sync-format';

/**
 * Every version this profile pushed for the object, newest first. "Revert to this" plans that version's
 * content as a new version; the Push screen's preview then shows its diff against what each remote serves.
 */
export function HistoryPanel({ object: o, actions }: { object: ObjectView; actions: ObjectActions }) {
  const api = useApi();
  const now = useSmt((s) => s.now);
  // Reloaded when the intended version moves (a push, a revert) while the panel is open.
  const read = useCallback(() => api.getObjectHistory({ key: o.key }), [api, o.key]);
  const { value, error, busy } = useLoad(read, { refreshOn: [o.intended?.version] });
  return (
    <section aria-labelledby="history-title" className="object-history">
      <h3 id="history-title">History</h3>
      {error && (
        <p role="alert" className="field-error">
          Could not load the history: {error}
        </p>
      )}
      {!value && busy && <p className="muted">Loading the history…</p>}
      {value && (
        <table className="grid compact" aria-label={`Versions of ${o.key}`}>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Op</th>
              <th scope="col">Author</th>
              <th scope="col">When</th>
              <th scope="col" className="numeric">
                Applied to
              </th>
              <th scope="col">Hash</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {value.versions.map((v) => {
              const intended = v.version === value.intendedVersion;
              return (
                <tr key={v.version} data-version={v.version} aria-current={intended ? 'true' : undefined}>
                  <td className="num">
                    v{v.version}
                    {intended && <span className="muted"> (intended)</span>}
                  </td>
                  <td>{v.op}</td>
                  <td>{v.author}</td>
                  <td title={formatClock(v.createdAt)}>{formatAge(v.createdAt, now)}</td>
                  <td className="numeric num">
                    {v.appliedTo} remote{v.appliedTo === 1 ? '' : 's'}
                  </td>
                  <td className="mono" title={v.sha256 ?? ''}>
                    {shortHash(v.sha256)}
                  </td>
                  <td>
                    {!intended && (
                      <button
                        type="button"
                        className="button small"
                        disabled={actions.state.kind === 'busy'}
                        onClick={() => void actions.revert(o, v.version)}
                        title={`Push version ${v.version}'s content again as a new version (previewed first)`}
                      >
                        Revert to this
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
