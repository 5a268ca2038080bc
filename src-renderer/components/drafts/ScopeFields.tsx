import type { DraftProblem } from '../../../src-shared/ipc/draft-views';
import { problemAt } from './RecordsEditor';
import type { ScopeForm } from './scope-lines';

/** Problems of the items of one list, with the item's line number (among non-empty lines). */
function listProblems(problems: readonly DraftProblem[], list: string): string[] {
  return problems
    .filter((p) => p.path.startsWith(`scope.${list}.`))
    .map((p) => `line ${Number(p.path.split('.')[2]) + 1}: ${p.message}`);
}

/** A DHCPv4 scope: subnet, id and lifetime as fields, pools, options and reservations one a line. */
export function ScopeFields({
  form,
  problems,
  onChange,
}: {
  form: ScopeForm;
  problems: readonly DraftProblem[];
  onChange: (f: ScopeForm) => void;
}) {
  const lists: { key: 'pools' | 'options' | 'reservations'; label: string; hint: string }[] = [
    { key: 'pools', label: 'Pools', hint: '10.0.0.100-10.0.0.199' },
    { key: 'options', label: 'Options', hint: 'routers 10.0.0.1' },
    { key: 'reservations', label: 'Reservations', hint: '10.0.0.5 52:54:00:12:34:56 printer' },
  ];
  const one = (key: 'id' | 'lifetime', label: string, path: string) => {
    const error = problemAt(problems, path);
    return (
      <label>
        {label}
        <span className="field">
          <input
            aria-label={label}
            aria-invalid={error ? true : undefined}
            value={form[key]}
            onChange={(e) => onChange({ ...form, [key]: e.target.value })}
          />
          {error && <span className="field-error">{error}</span>}
        </span>
      </label>
    );
  };
  return (
    <div className="scope-fields">
      <fieldset className="soa">
        <legend>Scope</legend>
        {one('id', 'Subnet id', 'scope.id')}
        {one('lifetime', 'Lease lifetime (s)', 'scope.validLifetimeS')}
      </fieldset>
      {lists.map(({ key, label, hint }) => {
        const errors = listProblems(problems, key);
        return (
          <label key={key} className="lines">
            {label} <span className="muted">(one a line)</span>
            <textarea
              aria-label={label}
              aria-invalid={errors.length > 0 ? true : undefined}
              rows={4}
              value={form[key]}
              placeholder={hint}
              spellCheck={false}
              onChange={(e) => onChange({ ...form, [key]: e.target.value })}
            />
            {errors.map((e) => (
              <span key={e} className="field-error">
                {e}
              </span>
            ))}
          </label>
        );
      })}
    </div>
  );
}
