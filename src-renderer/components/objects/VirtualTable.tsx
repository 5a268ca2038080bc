import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

export const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 36;

export interface Column {
  label: string;
  numeric?: boolean;
}

/** A sortable table's order: the column (by label) and its direction. */
export interface TableSort {
  column: string;
  dir: 'asc' | 'desc';
}

interface Props<T> {
  label: string;
  testId: string;
  columns: readonly Column[];
  /** CSS grid template of the columns. */
  template: string;
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** The row's cells (role="cell" elements). */
  cells: (row: T) => ReactNode;
  /** Extra attributes of a row: its state for styles and tests. */
  rowProps?: (row: T) => Record<string, string | undefined>;
  /** The row shown as current (aria-selected); the arrow keys move it, scrolled into view. */
  current?: string;
  onMove?: (row: T) => void;
  empty: ReactNode;
  className?: string;
  /** With `onSort`, each header is a button that sorts by its column (again: the other way). */
  sort?: TableSort;
  onSort?: (column: string) => void;
}

/**
 * A dense table as the fleet's is built: only the rows in view exist in the DOM (an object pushed to 10,000
 * remotes lists 10,000 rows), a sticky header, and ↑/↓ moving the current row when the table has focus.
 */
export function VirtualTable<T>({
  label,
  testId,
  columns,
  template,
  rows,
  rowKey,
  cells,
  rowProps,
  current,
  onMove,
  empty,
  className = '',
  sort,
  onSort,
}: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: (i) => {
      const r = rows[i];
      return r === undefined ? i : rowKey(r);
    },
  });
  const currentIndex = current === undefined ? -1 : rows.findIndex((r) => rowKey(r) === current);
  useEffect(() => {
    if (currentIndex >= 0) virtualizer.scrollToIndex(currentIndex, { align: 'auto' });
  }, [currentIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!onMove || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const next = Math.min(rows.length - 1, Math.max(0, currentIndex + (e.key === 'ArrowDown' ? 1 : -1)));
    const row = rows[next];
    if (row !== undefined) onMove(row);
    e.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      className={`fleet-table virtual-table ${className}`}
      data-testid={testId}
      style={{ ['--cols' as string]: template }}
      tabIndex={onMove ? 0 : undefined}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="thead">
        <div role="row" aria-rowindex={1} className="tr">
          {columns.map((c) => {
            const active = sort?.column === c.label;
            if (!onSort)
              return (
                <div key={c.label} role="columnheader" className={`th plain${c.numeric ? ' numeric' : ''}`}>
                  {c.label}
                </div>
              );
            return (
              <div
                key={c.label}
                role="columnheader"
                aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                className={`th${c.numeric ? ' numeric' : ''}${active ? ' sorted' : ''}`}
              >
                <button
                  type="button"
                  onClick={() => onSort(c.label)}
                  title={`Sort by ${c.label.toLowerCase()}`}
                >
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
      <div role="rowgroup" className="tbody" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          const key = rowKey(row);
          return (
            <div
              key={key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={current === undefined ? undefined : key === current}
              className={`tr${key === current ? ' selected' : ''}`}
              style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)` }}
              {...rowProps?.(row)}
            >
              {cells(row)}
            </div>
          );
        })}
      </div>
      {rows.length === 0 && (
        <div className="empty" role="status">
          {empty}
        </div>
      )}
    </div>
  );
}
