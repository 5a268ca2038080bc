import { useCallback, useMemo } from 'react';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import { useApi } from '../../api/context';
import { formatAge, formatClock } from '../../format';
import { formatRoute, objectsRoute } from '../../nav/route';
import {
  countOf,
  needsAttention,
  objectName,
  visibleObjects,
  type ObjectsFilter,
} from '../../store/objects-slice';
import { useSmt } from '../../store/react';
import { ObjectDetail } from './ObjectDetail';
import { useObjectActions } from './object-actions';
import { VirtualTable, type Column } from './VirtualTable';

const filters: { value: ObjectsFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'attention', label: 'Drifted or missing' },
  { value: 'extra', label: 'Extra' },
];

const columns: Column[] = [
  { label: 'Object' },
  { label: 'Intended' },
  { label: 'In sync', numeric: true },
  { label: 'Drifted', numeric: true },
  { label: 'Missing', numeric: true },
  { label: 'Extra', numeric: true },
  { label: 'Unknown', numeric: true },
];
const template = 'minmax(220px, 2fr) minmax(150px, 1fr) 80px 80px 80px 80px 88px';

function Count({ n, tone }: { n: number; tone?: string }) {
  return (
    <div role="cell" className={`td numeric num${n > 0 && tone ? ` ${tone}` : n === 0 ? ' faint' : ''}`}>
      {n}
    </div>
  );
}

function ObjectCells({ o }: { o: ObjectView }) {
  return (
    <>
      <div role="cell" className="td id mono">
        <span className={`kind kind-${o.object.kind}`}>{o.object.kind}</span>
        <a href={formatRoute({ screen: 'objects', key: o.key })} title={`Open ${o.key}`}>
          {objectName(o.object)}
        </a>
      </div>
      <div role="cell" className="td">
        {o.intended === null ? (
          <span className="muted" title="No version was pushed through this profile">
            not owned
          </span>
        ) : (
          <span title={`push ${o.intended.pushId}, ${formatClock(o.intended.at)}`}>
            v{o.intended.version}
            {o.intended.op === 'delete' ? ' (deleted)' : ''}
            <span className="faint"> of {o.versions}</span>
          </span>
        )}
      </div>
      <Count n={countOf(o, 'in-sync')} tone="tone-ok" />
      <Count n={countOf(o, 'drifted')} tone="tone-bad" />
      <Count n={countOf(o, 'missing')} tone="tone-bad" />
      <Count n={countOf(o, 'extra')} tone="tone-warn" />
      <Count n={countOf(o, 'unknown')} tone="tone-idle" />
    </>
  );
}

/**
 * Zones & Scopes (docs/inventory.md): every object the console intends, against what each remote reports
 * it serves. The list comes from the store (sync reloads it on objectsChanged); one object opens beside it
 * with its remotes, history and the actions that lead to the Push and Drafts screens.
 */
export function ObjectsScreen({ objectKey }: { objectKey: string | undefined }) {
  const api = useApi();
  const view = useSmt((s) => s.objectsView);
  const load = useSmt((s) => s.objectsLoad);
  const filter = useSmt((s) => s.objectsFilter);
  const query = useSmt((s) => s.objectsQuery);
  const setFilter = useSmt((s) => s.setObjectsFilter);
  const setQuery = useSmt((s) => s.setObjectsQuery);
  const drifted = useSmt((s) => s.driftedRemotes);
  const navigate = useSmt((s) => s.navigate);
  const now = useSmt((s) => s.now);
  const actions = useObjectActions();
  const rows = useMemo(() => visibleObjects(view, filter, query), [view, filter, query]);
  const open = useMemo(() => view?.objects.find((o) => o.key === objectKey), [view, objectKey]);
  const counts = useMemo(
    () => ({
      all: view?.objects.length ?? 0,
      attention: view?.objects.filter(needsAttention).length ?? 0,
      extra: visibleObjects(view, 'extra', '').length,
    }),
    [view],
  );

  // The sync reloads on events; this is for an admin who wants it now (or after a failure).
  const loading = useSmt((s) => s.objectsLoading);
  const loaded = useSmt((s) => s.objectsLoaded);
  const failed = useSmt((s) => s.objectsFailed);
  const reload = useCallback(async () => {
    loading();
    const r = await api.listObjects();
    if (r.ok) loaded(r.value);
    else failed(r.error.message);
  }, [api, loading, loaded, failed]);

  return (
    <main className="screen objects" aria-label="Zones & Scopes">
      <header className="screen-head">
        <h1 className="title">Zones &amp; Scopes</h1>
        <span className="muted">
          intended against served, per remote
          {view && ` · as of ${formatClock(view.generatedAt)} (${formatAge(view.generatedAt, now)})`}
        </span>
        <span className="toolbar-spacer" />
        {drifted > 0 && (
          <span className="state-line tone-bad" data-testid="drifted-remotes">
            <span className="dot tone-bad" aria-hidden="true" />
            {drifted} remote{drifted === 1 ? '' : 's'} drifted
          </span>
        )}
        <button
          type="button"
          className="button small"
          onClick={() => void reload()}
          disabled={load.kind === 'loading'}
        >
          {load.kind === 'loading' ? 'Loading…' : 'Reload'}
        </button>
      </header>
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show">
          {filters.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
            >
              {f.label} <span className="seg-count num">{counts[f.value]}</span>
            </button>
          ))}
        </div>
        <label className="search">
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M7 2a5 5 0 1 0 3 9l3 3 1-1-3-3A5 5 0 0 0 7 2zm0 1.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7z" />
          </svg>
          <input
            type="search"
            aria-label="Search zones and scopes"
            placeholder="Search by zone or subnet"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {load.kind === 'failed' && (
        <p role="alert" className="notice tone-warn" data-testid="objects-error">
          Could not load Zones &amp; Scopes: {load.error}{' '}
          {view ? 'What is shown is from the last load; ' : ''}Reload to try again.
        </p>
      )}
      <ActionStatus state={actions.state} onDismiss={actions.dismiss} />
      <div className={`objects-grid${open ? ' with-detail' : ''}`}>
        <VirtualTable
          label="Zones and scopes"
          testId="objects-table"
          className="objects-table"
          columns={columns}
          template={template}
          rows={rows}
          rowKey={(o) => o.key}
          cells={(o) => <ObjectCells o={o} />}
          rowProps={(o) => ({
            'data-key': o.key,
            'data-owned': o.intended === null ? 'false' : 'true',
          })}
          current={objectKey}
          onMove={(o) => navigate({ screen: 'objects', key: o.key })}
          empty={
            load.kind === 'loading' || (load.kind === 'idle' && !view)
              ? 'Loading zones and scopes…'
              : !view
                ? 'Nothing to show until the console answers.'
                : view.objects.length === 0
                  ? 'No zone or scope yet: push one (g p), and each remote’s served inventory shows here.'
                  : 'Nothing matches the filter and the search: clear one to see more.'
          }
        />
        {objectKey !== undefined && !open && view && (
          <section className="panel" aria-label="Object">
            <p className="muted">
              {objectKey} is not in this view (deleted, or another profile’s).{' '}
              <a href={formatRoute(objectsRoute)}>Back to the list</a>
            </p>
          </section>
        )}
        {open && <ObjectDetail key={open.key} object={open} actions={actions} />}
      </div>
    </main>
  );
}

function ActionStatus({
  state,
  onDismiss,
}: {
  state: ReturnType<typeof useObjectActions>['state'];
  onDismiss: () => void;
}) {
  if (state.kind === 'idle') return <p role="status" className="sr-only" />;
  if (state.kind === 'busy')
    return (
      <p role="status" className="notice" data-testid="object-action">
        {state.what}…
      </p>
    );
  return (
    <p role="alert" className="notice tone-bad" data-testid="object-action">
      <strong>{state.what} failed.</strong> {state.message}{' '}
      <button type="button" className="button small" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}
