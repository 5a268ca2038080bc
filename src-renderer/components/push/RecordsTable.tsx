import type { RecordType } from '../../../src-shared/config/zone';
import {
  recordTypes,
  valueHint,
  type FieldName,
  type RecordRow,
  type ZoneCheck,
} from '../../push/zone-draft';

interface Props {
  rows: RecordRow[];
  check: ZoneCheck;
  onChange(rows: RecordRow[]): void;
  newKey(): number;
}

function Cell({
  row,
  field,
  error,
  children,
}: {
  row: RecordRow;
  field: FieldName;
  error: string | undefined;
  children: React.ReactNode;
}) {
  return (
    <td className={`cell-${field}${error ? ' invalid' : ''}`}>
      {children}
      {error && (
        <p className="field-error" id={`err-${row.key}-${field}`} role="alert">
          {error}
        </p>
      )}
    </td>
  );
}

/**
 * The zone's records as an admin types them, each checked by the zone model as a whole zone (a CNAME
 * beside other data is a whole-zone rule) with the model's words under the cell they are about.
 */
export function RecordsTable({ rows, check, onChange, newKey }: Props) {
  const update = (key: number, patch: Partial<RecordRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const input = (row: RecordRow, field: 'owner' | 'ttl' | 'value', label: string, placeholder: string) => {
    const error = check.rowErrors.get(row.key)?.[field];
    return (
      <Cell row={row} field={field} error={error}>
        <input
          type="text"
          aria-label={`${label} of record ${rows.indexOf(row) + 1}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `err-${row.key}-${field}` : undefined}
          value={row[field]}
          placeholder={placeholder}
          spellCheck={false}
          onChange={(e) => update(row.key, { [field]: e.target.value })}
        />
      </Cell>
    );
  };
  return (
    <div className="records">
      <table className="grid records-table" aria-label="Records">
        <thead>
          <tr>
            <th>Owner</th>
            <th>Type</th>
            <th>TTL</th>
            <th>Value</th>
            <th>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const rowError = check.rowErrors.get(row.key)?.row;
            return (
              <tr key={row.key} className={rowError ? 'invalid' : undefined} aria-label={`Record ${i + 1}`}>
                {input(row, 'owner', 'Owner', '@ or www')}
                <Cell row={row} field="type" error={check.rowErrors.get(row.key)?.type}>
                  <select
                    aria-label={`Type of record ${i + 1}`}
                    value={row.type}
                    onChange={(e) => update(row.key, { type: e.target.value as RecordType })}
                  >
                    {recordTypes.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </Cell>
                {input(row, 'ttl', 'TTL', 'default')}
                <td
                  className={`cell-value${rowError || check.rowErrors.get(row.key)?.value ? ' invalid' : ''}`}
                >
                  <input
                    type="text"
                    aria-label={`Value of record ${i + 1}`}
                    aria-invalid={check.rowErrors.get(row.key)?.value ? true : undefined}
                    value={row.value}
                    placeholder={valueHint[row.type]}
                    spellCheck={false}
                    onChange={(e) => update(row.key, { value: e.target.value })}
                  />
                  {[check.rowErrors.get(row.key)?.value, rowError].filter(Boolean).map((m) => (
                    <p key={m} className="field-error" role="alert">
                      {m}
                    </p>
                  ))}
                </td>
                <td className="cell-remove">
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove record ${i + 1}`}
                    title="Remove this record"
                    onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        className="button small"
        onClick={() => onChange([...rows, { key: newKey(), owner: '', type: 'A', ttl: '', value: '' }])}
      >
        Add record
      </button>
    </div>
  );
}
