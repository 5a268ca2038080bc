import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { RemoteView } from '../../src-shared/ipc';
import type { SortKey } from '../store/fleet-slice';
import { useSmt } from '../store/react';
import { filterRemotes, sortedRemotes } from '../store/visible-remotes';
import { FleetRow } from './FleetRow';

export const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 36;

const columns: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'id', label: 'Remote' },
  { key: 'hostname', label: 'Hostname' },
  { key: 'ip', label: 'IP address' },
  { key: 'status', label: 'Status' },
  { key: 'cpu', label: 'CPU', numeric: true },
  { key: 'mem', label: 'Memory', numeric: true },
  { key: 'disk', label: 'Disk', numeric: true },
  { key: 'processes', label: 'Processes' },
  { key: 'lastSeen', label: 'Last seen', numeric: true },
];

/** Selects (or, when all of them are selected, unselects) every row the filters show, in one update. */
function SelectVisible({ rows }: { rows: readonly RemoteView[] }) {
  const selected = useSmt((s) => s.selected);
  const setSelected = useSmt((s) => s.setSelected);
  const picked = useMemo(() => rows.reduce((n, r) => n + (selected.has(r.id) ? 1 : 0), 0), [rows, selected]);
  const all = rows.length > 0 && picked === rows.length;
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = picked > 0 && !all;
  }, [picked, all]);
  return (
    <input
      ref={ref}
      className="pick"
      type="checkbox"
      aria-label={`Select all ${rows.length} shown`}
      checked={all}
      disabled={rows.length === 0}
      onChange={() =>
        setSelected(
          rows.map((r) => r.id),
          !all,
        )
      }
    />
  );
}

function HeaderRow({ rows }: { rows: readonly RemoteView[] }) {
  const sort = useSmt((s) => s.sort);
  const sortBy = useSmt((s) => s.sortBy);
  return (
    <div role="rowgroup" className="thead">
      <div role="row" aria-rowindex={1} className="tr">
        {columns.map((c) => {
          const active = sort.key === c.key;
          return (
            <div
              key={c.key}
              role="columnheader"
              aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              className={`th${c.numeric ? ' numeric' : ''}${active ? ' sorted' : ''}${c.key === 'id' ? ' id' : ''}`}
            >
              {c.key === 'id' && <SelectVisible rows={rows} />}
              <button type="button" onClick={() => sortBy(c.key)} title={`Sort by ${c.label.toLowerCase()}`}>
                {c.label}
                <span className="sort-arrow" aria-hidden="true">
                  {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function EmptyState({ loaded, filtered }: { loaded: boolean; filtered: boolean }) {
  let text = 'Loading the fleet…';
  if (loaded && filtered) text = 'No remote matches the search and the filters: clear one to see more.';
  else if (loaded) text = 'No remote has reported yet. Remotes appear here as soon as their agents connect.';
  return (
    <div className="empty" role="status">
      {text}
    </div>
  );
}

/**
 * The fleet as a virtualized table: only the rows in view exist in the DOM, so 10,000 remotes scroll as
 * smoothly as 20. The table element itself scrolls, with a sticky header, so columns stay aligned.
 */
export function FleetTable() {
  const remotes = useSmt((s) => s.remotes);
  const query = useSmt((s) => s.query);
  const statusFilter = useSmt((s) => s.statusFilter);
  const sort = useSmt((s) => s.sort);
  const tag = useSmt((s) => s.tagFilter);
  const down = useSmt((s) => s.downFilter);
  const selected = useSmt((s) => s.selected);
  const toggle = useSmt((s) => s.toggleSelected);
  const loaded = useSmt((s) => s.fleetAt !== null);
  const now = useSmt((s) => s.now);
  // Sorted once per fleet change or sort: a keystroke only filters.
  const sorted = useMemo(() => sortedRemotes(remotes, sort), [remotes, sort]);
  const rows = useMemo(
    () => filterRemotes(sorted, query, statusFilter, { tag, down }),
    [sorted, query, statusFilter, tag, down],
  );
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-label="Remotes"
      aria-rowcount={rows.length + 1}
      className="fleet-table"
      data-testid="fleet-table"
    >
      <HeaderRow rows={rows} />
      <div role="rowgroup" className="tbody" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const remote = rows[item.index];
          return remote ? (
            <FleetRow
              key={remote.id}
              remote={remote}
              selected={selected.has(remote.id)}
              onToggle={toggle}
              now={now}
              rowIndex={item.index + 2}
              top={item.start - HEADER_HEIGHT}
            />
          ) : null;
        })}
      </div>
      {rows.length === 0 && <EmptyState loaded={loaded} filtered={remotes.size > 0} />}
    </div>
  );
}
