import { useMemo } from 'react';
import { ServiceName } from '../../src-shared/protocol';
import { perfMeasures } from '../../src-shared/perf-measures';
import { measureToPaint } from '../perf';
import type { DownFilter, StatusFilter } from '../store/fleet-slice';
import { useSmt } from '../store/react';
import { fleetTags } from '../store/visible-remotes';

const filters: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'online', label: 'Online' },
  { value: 'offline', label: 'Offline' },
  { value: 'unknown', label: 'Unknown' },
];

export function FleetToolbar() {
  const query = useSmt((s) => s.query);
  const setQuery = useSmt((s) => s.setQuery);
  const statusFilter = useSmt((s) => s.statusFilter);
  const setStatusFilter = useSmt((s) => s.setStatusFilter);
  const total = useSmt((s) => s.remotes.size);
  const counts = useSmt((s) => s.counts);
  const countOf = (f: StatusFilter) => (f === 'all' ? total : counts[f]);
  const remotes = useSmt((s) => s.remotes);
  // Tags change only with a hello; the fleet map changes with every patch, the set of tags rarely.
  const tagList = fleetTags(remotes).join('\n');
  const tags = useMemo(() => (tagList === '' ? [] : tagList.split('\n')), [tagList]);
  const tagFilter = useSmt((s) => s.tagFilter);
  const setTagFilter = useSmt((s) => s.setTagFilter);
  const downFilter = useSmt((s) => s.downFilter);
  const setDownFilter = useSmt((s) => s.setDownFilter);

  return (
    <div className="toolbar">
      <h1 className="title">Fleet</h1>
      <div className="segmented" role="group" aria-label="Filter by status">
        {filters.map((f) => (
          <button
            key={f.value}
            type="button"
            aria-pressed={statusFilter === f.value}
            onClick={() => setStatusFilter(f.value)}
          >
            {f.label} <span className="seg-count num">{countOf(f.value)}</span>
          </button>
        ))}
      </div>
      <label className="select">
        <span>Tag</span>
        <select
          aria-label="Filter by tag"
          value={tagFilter ?? ''}
          onChange={(e) => setTagFilter(e.target.value === '' ? null : e.target.value)}
        >
          <option value="">any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="select">
        <span>Service down</span>
        <select
          aria-label="Filter by a service that is down"
          value={downFilter ?? ''}
          onChange={(e) => setDownFilter(e.target.value === '' ? null : (e.target.value as DownFilter))}
        >
          <option value="">none</option>
          {ServiceName.options.map((name) => (
            <option key={name} value={name}>
              {name} down
            </option>
          ))}
        </select>
      </label>
      <div className="toolbar-spacer" />
      <label className="search">
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5L14 14" />
        </svg>
        <input
          type="search"
          aria-label="Search remotes"
          placeholder="Search id, hostname or IP"
          value={query}
          onChange={(e) => {
            measureToPaint(perfMeasures.fleetFilter, e.timeStamp);
            setQuery(e.target.value);
          }}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
    </div>
  );
}
