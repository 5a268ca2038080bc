import type { StatusFilter } from '../store/fleet-slice';
import { useSmt } from '../store/react';

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
          onChange={(e) => setQuery(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
    </div>
  );
}
