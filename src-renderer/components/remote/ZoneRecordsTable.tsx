import { useMemo, useState } from 'react';
import { parseZoneRecords } from '../../../src-shared/config/zone-records';
import { VirtualTable, type TableSort } from '../objects/VirtualTable';
import { RECORD_COLUMNS, nextSort, visibleRecords } from './record-rows';

/**
 * A served zone file as a records table (docs/dns.md): searchable, sortable by any column, virtualized so
 * a zone of 100,000 records scrolls like a small one. Lines it cannot read are said, not hidden.
 */
export function ZoneRecordsTable({ zone, text }: { zone: string; text: string }) {
  const parsed = useMemo(() => parseZoneRecords(text, zone), [text, zone]);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<TableSort | null>(null);
  const rows = useMemo(() => visibleRecords(parsed.records, search, sort), [parsed, search, sort]);
  return (
    <div className="zone-records">
      <div className="served-form">
        <input
          type="search"
          aria-label="Search records"
          placeholder="Search name, type or data"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="muted" aria-live="polite">
          {rows.length === parsed.records.length
            ? `${parsed.records.length} records`
            : `${rows.length} of ${parsed.records.length} records`}
          {parsed.problems.length > 0 &&
            `; ${parsed.problems.length} line${parsed.problems.length === 1 ? '' : 's'} not read (${parsed.problems
              .slice(0, 3)
              .map((p) => `line ${p.line}: ${p.message}`)
              .join('; ')})`}
        </span>
      </div>
      <VirtualTable
        label="Zone records"
        testId="zone-records"
        columns={RECORD_COLUMNS}
        template="minmax(12rem, 2fr) 6rem 5rem 6rem minmax(12rem, 3fr)"
        rows={rows}
        rowKey={(r) => String(r.line)}
        rowProps={(r) => ({ 'data-line': String(r.line) })}
        cells={(r) => (
          <>
            <div role="cell" className="td mono">
              {r.name}
            </div>
            <div role="cell" className="td numeric">
              {r.ttl}
            </div>
            <div role="cell" className="td">
              {r.class}
            </div>
            <div role="cell" className="td">
              {r.type}
            </div>
            <div role="cell" className="td mono">
              {r.data}
            </div>
          </>
        )}
        sort={sort ?? undefined}
        onSort={(column) => setSort((s) => nextSort(s, column))}
        empty={parsed.records.length === 0 ? 'The zone holds no records.' : 'No record matches the search.'}
      />
    </div>
  );
}
