import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AlertRule, AlertRules, AlertSeverity } from '../../../src-shared/ipc/alert-views';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';
import { ruleErrors, ruleText, severities, type RuleField } from './rule-text';

/** The panel's own life: the rules load, then the admin edits a draft and saves it (or fails to). */
type PanelState =
  | { kind: 'loading' }
  | { kind: 'failed'; error: string }
  | { kind: 'editing'; saving: boolean; error: string | null; saved: boolean };

/**
 * The profile's alert rules (docs/alerts.md): threshold, hysteresis, hold time, severity, enabled. Each
 * field shows the contract's own validation message before anything is sent; the core checks again.
 */
export function RulesPanel() {
  const api = useApi();
  const rules = useSmt((s) => s.alertRules);
  const setRules = useSmt((s) => s.setAlertRules);
  const [state, setState] = useState<PanelState>(
    rules ? { kind: 'editing', saving: false, error: null, saved: false } : { kind: 'loading' },
  );
  const [draft, setDraft] = useState<AlertRules | null>(rules);

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    const r = await api.getAlertRules();
    if (!r.ok) return setState({ kind: 'failed', error: r.error.message });
    setRules(r.value);
    setDraft(r.value);
    setState({ kind: 'editing', saving: false, error: null, saved: false });
  }, [api, setRules]);
  useEffect(() => {
    void load();
  }, [load]);

  const errors = useMemo(() => (draft ? ruleErrors(draft) : new Map()), [draft]);
  const changed = draft !== null && JSON.stringify(draft) !== JSON.stringify(rules);

  const edit = (kind: AlertRule['kind'], patch: Partial<AlertRule>) => {
    setDraft((d) => d?.map((r) => (r.kind === kind ? { ...r, ...patch } : r)) ?? null);
    setState((s) => (s.kind === 'editing' ? { ...s, saved: false } : s));
  };

  const save = async () => {
    if (!draft || errors.size > 0) return;
    setState({ kind: 'editing', saving: true, error: null, saved: false });
    const r = await api.saveAlertRules(draft);
    if (!r.ok) return setState({ kind: 'editing', saving: false, error: r.error.message, saved: false });
    setRules(r.value);
    setDraft(r.value);
    setState({ kind: 'editing', saving: false, error: null, saved: true });
  };

  return (
    <section className="panel alert-rules" aria-label="Alert rules" data-testid="alert-rules">
      <header className="panel-head">
        <h2 className="subtitle">Rules of this profile</h2>
        <span className="muted">
          an alert fires once its condition held for the hold time, and resolves once back past the threshold
          by the hysteresis band
        </span>
      </header>
      {state.kind === 'loading' && <p className="muted">Loading the rules…</p>}
      {state.kind === 'failed' && (
        <p role="alert" className="notice tone-warn" data-testid="alert-rules-error">
          Could not load the rules: {state.error}{' '}
          <button type="button" className="button small" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {state.kind === 'editing' && draft && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <table className="rules-table">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Enabled</th>
                <th scope="col">Severity</th>
                <th scope="col">Threshold</th>
                <th scope="col">Hysteresis</th>
                <th scope="col">Hold (s)</th>
              </tr>
            </thead>
            <tbody>
              {draft.map((rule) => (
                <RuleRow
                  key={rule.kind}
                  rule={rule}
                  errors={errors.get(rule.kind) ?? {}}
                  onEdit={(patch) => edit(rule.kind, patch)}
                />
              ))}
            </tbody>
          </table>
          <div className="form-actions">
            <button
              type="submit"
              className="button primary"
              disabled={!changed || errors.size > 0 || state.saving}
            >
              {state.saving ? 'Saving…' : 'Save rules'}
            </button>
            <button
              type="button"
              className="button"
              disabled={!changed || state.saving}
              onClick={() => setDraft(rules)}
            >
              Discard changes
            </button>
            {state.saved && (
              <span role="status" className="tone-ok" data-testid="alert-rules-saved">
                Saved: the console evaluates with these rules now.
              </span>
            )}
          </div>
          {state.error !== null && (
            <p role="alert" className="notice tone-bad" data-testid="alert-rules-error">
              The console refused the rules: {state.error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

function RuleRow({
  rule,
  errors,
  onEdit,
}: {
  rule: AlertRule;
  errors: Partial<Record<RuleField, string>>;
  onEdit: (patch: Partial<AlertRule>) => void;
}) {
  const text = ruleText[rule.kind];
  const id = (f: RuleField) => `rule-${rule.kind}-${f}`;
  const number = (f: 'threshold' | 'hysteresis' | 'holdS', value: number | null, label: string) => (
    <td>
      <input
        id={id(f)}
        type="number"
        min={0}
        step={f === 'holdS' ? 1 : 'any'}
        className="field-input num"
        aria-label={`${text.label}: ${label}`}
        aria-invalid={errors[f] ? true : undefined}
        aria-describedby={errors[f] ? `${id(f)}-error` : undefined}
        value={value === null || Number.isNaN(value) ? '' : value}
        onChange={(e) => onEdit({ [f]: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
      />
      {errors[f] && (
        <span id={`${id(f)}-error`} className="field-error tone-bad" data-field={f}>
          {errors[f]}
        </span>
      )}
    </td>
  );
  return (
    <tr data-rule={rule.kind}>
      <th scope="row">
        {text.label}
        {text.unit && <span className="faint"> ({text.unit})</span>}
      </th>
      <td>
        <input
          type="checkbox"
          aria-label={`${text.label}: enabled`}
          checked={rule.enabled}
          onChange={(e) => onEdit({ enabled: e.target.checked })}
        />
      </td>
      <td>
        <select
          aria-label={`${text.label}: severity`}
          value={rule.severity}
          onChange={(e) => onEdit({ severity: e.target.value as AlertSeverity })}
        >
          {severities.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </td>
      {rule.threshold === null && text.unit === null ? (
        <td className="faint" title="This rule has no threshold: the condition itself fires it">
          —
        </td>
      ) : (
        number('threshold', rule.threshold, `threshold${text.unit ? ` (${text.unit})` : ''}`)
      )}
      {rule.threshold === null && text.unit === null ? (
        <td className="faint">—</td>
      ) : (
        number('hysteresis', rule.hysteresis, 'hysteresis')
      )}
      {number('holdS', rule.holdS, 'hold (s)')}
    </tr>
  );
}
