import type { DraftProblem } from '../../../src-shared/ipc/draft-views';
import { recordTypes, valueHint, type RecordRow, type ZoneForm } from './zone-rows';

/** The message of a problem at exactly this path, if any. */
export const problemAt = (problems: readonly DraftProblem[], path: string) =>
  problems.find((p) => p.path === path)?.message;

/** Which column a record field's problem belongs in. */
function fieldOf(path: string): 'owner' | 'ttl' | 'value' | 'row' {
  const field = path.split('.')[3];
  if (field === 'owner') return 'owner';
  if (field === 'ttl') return 'ttl';
  if (field === undefined) return 'row';
  return 'value';
}

function Field({
  label,
  value,
  onChange,
  error,
  placeholder,
  className,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
  placeholder?: string;
  className?: string;
}) {
  return (
    <span className={`field ${className ?? ''}`}>
      <input
        aria-label={label}
        aria-invalid={error ? true : undefined}
        title={error}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && <span className="field-error">{error}</span>}
    </span>
  );
}

/**
 * A zone as a records table: owner, type, TTL and value per row, each field showing the zone model's own
 * message under it; plus the zone's default TTL and SOA above. Rows are added and removed in place.
 */
export function RecordsEditor({
  form,
  problems,
  onChange,
}: {
  form: ZoneForm;
  problems: readonly DraftProblem[];
  onChange: (f: ZoneForm) => void;
}) {
  const setRow = (i: number, row: Partial<RecordRow>) =>
    onChange({ ...form, records: form.records.map((r, j) => (j === i ? { ...r, ...row } : r)) });
  const soa = (key: keyof ZoneForm['soa']) => ({
    label: `SOA ${key}`,
    value: form.soa[key],
    onChange: (v: string) => onChange({ ...form, soa: { ...form.soa, [key]: v } }),
    error: problemAt(problems, `zone.soa.${key}`),
  });
  const rowProblems = (i: number) => problems.filter((p) => p.path.startsWith(`zone.records.${i}`));
  const general = problems.filter((p) => p.path === 'zone.records');
  return (
    <div className="records-editor">
      <fieldset className="soa">
        <legend>Zone defaults and SOA</legend>
        <label>
          Default TTL
          <Field
            label="Default TTL"
            value={form.ttl}
            onChange={(v) => onChange({ ...form, ttl: v })}
            error={problemAt(problems, 'zone.ttl')}
          />
        </label>
        <label>
          Primary server
          <Field {...soa('mname')} className="wide" />
        </label>
        <label>
          Contact
          <Field {...soa('rname')} className="wide" />
        </label>
        <label>
          Serial
          <Field {...soa('serial')} />
        </label>
        <label>
          Refresh
          <Field {...soa('refresh')} />
        </label>
        <label>
          Retry
          <Field {...soa('retry')} />
        </label>
        <label>
          Expire
          <Field {...soa('expire')} />
        </label>
        <label>
          Negative TTL
          <Field {...soa('minimum')} />
        </label>
      </fieldset>
      <table className="grid records" aria-label="Records">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Owner</th>
            <th scope="col">Type</th>
            <th scope="col">TTL</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {form.records.map((r, i) => {
            const ps = rowProblems(i);
            const at = (f: 'owner' | 'ttl' | 'value' | 'row') =>
              ps
                .filter((p) => fieldOf(p.path) === f)
                .map((p) => p.message)
                .join('; ') || undefined;
            return (
              <tr
                key={i}
                data-row={i}
                aria-label={`Record ${i + 1}`}
                className={ps.length > 0 ? 'invalid' : undefined}
              >
                <td className="num muted">{i + 1}</td>
                <td>
                  <Field
                    label={`Owner of record ${i + 1}`}
                    value={r.owner}
                    onChange={(v) => setRow(i, { owner: v })}
                    error={at('owner')}
                    placeholder="@"
                  />
                </td>
                <td>
                  <select
                    aria-label={`Type of record ${i + 1}`}
                    value={r.type}
                    onChange={(e) => setRow(i, { type: e.target.value })}
                  >
                    {recordTypes.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <Field
                    label={`TTL of record ${i + 1}`}
                    value={r.ttl}
                    onChange={(v) => setRow(i, { ttl: v })}
                    error={at('ttl')}
                    placeholder="default"
                    className="ttl"
                  />
                </td>
                <td>
                  <Field
                    label={`Value of record ${i + 1}`}
                    value={r.value}
                    onChange={(v) => setRow(i, { value: v })}
                    error={[at('value'), at('row')].filter(Boolean).join('; ') || undefined}
                    placeholder={valueHint[r.type]}
                    className="value"
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Remove record ${i + 1}`}
                    onClick={() => onChange({ ...form, records: form.records.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {general.map((p) => (
        <p key={p.message} className="field-error">
          {p.message}
        </p>
      ))}
      <button
        type="button"
        className="button small"
        onClick={() =>
          onChange({ ...form, records: [...form.records, { owner: '', type: 'A', ttl: '', value: '' }] })
        }
      >
        Add record
      </button>
    </div>
  );
}
