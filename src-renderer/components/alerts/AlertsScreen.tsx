import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  alertRuleKinds,
  AlertState,
  type Alert,
  type AlertRuleKind,
  type AlertSeverity,
} from '../../../src-shared/ipc/alert-views';
import { useApi } from '../../api/context';
import { useNotifier } from '../../api/notify';
import { formatAge, formatClock } from '../../format';
import { alertsStale, visibleAlerts, type AlertsSort } from '../../store/alerts-slice';
import { useSmt } from '../../store/react';
import { RulesPanel } from './RulesPanel';
import { ruleText, severities, severityTone } from './rule-text';

/** The acknowledgement's own life: compose, send, then what the console said. */
type AckState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'done'; acknowledged: number; refused: { id: string; reason: string }[] }
  | { kind: 'failed'; error: string };

/**
 * Fleet-wide alerts (docs/alerts.md, "The Alerts screen and notifications"): what fires, what someone
 * acknowledged (by whom, when, why) and what resolved; select and acknowledge with a comment; the
 * profile's rules beside it. The list comes from the store, which sync reloads on alertsChanged.
 */
export function AlertsScreen() {
  const api = useApi();
  const view = useSmt((s) => s.alertsView);
  const load = useSmt((s) => s.alertsLoad);
  const stale = useSmt(alertsStale);
  const linkOpen = useSmt((s) => s.link.kind === 'open');
  const firing = useSmt((s) => s.alertsFiring);
  const filter = useSmt((s) => s.alertsFilter);
  const sort = useSmt((s) => s.alertsSort);
  const selected = useSmt((s) => s.alertsSelected);
  const setFilter = useSmt((s) => s.setAlertsFilter);
  const setSort = useSmt((s) => s.setAlertsSort);
  const toggle = useSmt((s) => s.toggleAlertSelected);
  const setSelected = useSmt((s) => s.setAlertsSelected);
  const now = useSmt((s) => s.now);
  const rows = useMemo(() => visibleAlerts(view, filter, sort), [view, filter, sort]);
  const [showRules, setShowRules] = useState(false);
  const [comment, setComment] = useState('');
  const [ack, setAck] = useState<AckState>({ kind: 'idle' });

  const loading = useSmt((s) => s.alertsLoading);
  const loaded = useSmt((s) => s.alertsLoaded);
  const failed = useSmt((s) => s.alertsFailed);
  const reload = useCallback(async () => {
    loading();
    const r = await api.listAlerts({ states: ['firing', 'acknowledged', 'resolved'], limit: 1_000 });
    if (r.ok) loaded(r.value);
    else failed(r.error.message);
  }, [api, loading, loaded, failed]);

  const acknowledge = async () => {
    if (selected.length === 0) return;
    setAck({ kind: 'sending' });
    const text = comment.trim();
    const r = await api.ackAlerts({ ids: [...selected], ...(text ? { comment: text } : {}) });
    if (!r.ok) return setAck({ kind: 'failed', error: r.error.message });
    setAck({ kind: 'done', acknowledged: r.value.acknowledged.length, refused: r.value.refused });
    setComment('');
    setSelected([]);
    // The event reloads it too; the admin should see their acknowledgement without waiting for it.
    void reload();
  };

  const firingShown = rows.filter((a) => a.state === 'firing');
  const allPicked = firingShown.length > 0 && firingShown.every((a) => selected.includes(a.id));
  const toggleState = (st: AlertState) =>
    setFilter({
      states: filter.states.includes(st) ? filter.states.filter((x) => x !== st) : [...filter.states, st],
    });

  return (
    <main className="screen alerts" aria-label="Alerts">
      <header className="screen-head">
        <h1 className="title">Alerts</h1>
        <span className="muted">
          {firing} firing
          {view && ` · as of ${formatClock(view.generatedAt)} (${formatAge(view.generatedAt, now)})`}
        </span>
        {view && (stale || !linkOpen) && (
          <span
            className="state-line tone-warn"
            data-testid="alerts-stale"
            title="Reload to bring it up to date"
          >
            <span className="dot tone-warn" aria-hidden="true" />
            stale: {linkOpen ? 'the alerts changed since this list loaded' : 'no link to the console'}
          </span>
        )}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button small"
          aria-pressed={showRules}
          onClick={() => setShowRules((v) => !v)}
        >
          Rules
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => void reload()}
          disabled={load.kind === 'loading'}
        >
          {load.kind === 'loading' ? 'Loading…' : 'Reload'}
        </button>
      </header>
      <NotificationStatus />
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="States">
          {AlertState.options.map((st) => (
            <button
              key={st}
              type="button"
              aria-pressed={filter.states.includes(st)}
              onClick={() => toggleState(st)}
            >
              {st}{' '}
              <span className="seg-count num">{view?.alerts.filter((a) => a.state === st).length ?? 0}</span>
            </button>
          ))}
        </div>
        <select
          aria-label="Severity"
          value={filter.severity}
          onChange={(e) => setFilter({ severity: e.target.value as AlertSeverity | 'all' })}
        >
          <option value="all">Every severity</option>
          {severities.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          aria-label="Rule"
          value={filter.rule}
          onChange={(e) => setFilter({ rule: e.target.value as AlertRuleKind | 'all' })}
        >
          <option value="all">Every rule</option>
          {alertRuleKinds.map((k) => (
            <option key={k} value={k}>
              {ruleText[k].label}
            </option>
          ))}
        </select>
        <label className="search">
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M7 2a5 5 0 1 0 3 9l3 3 1-1-3-3A5 5 0 0 0 7 2zm0 1.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7z" />
          </svg>
          <input
            type="search"
            aria-label="Search alerts"
            placeholder="Search by remote, subject or message"
            value={filter.query}
            onChange={(e) => setFilter({ query: e.target.value })}
          />
        </label>
        <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as AlertsSort)}>
          <option value="time">Newest first</option>
          <option value="severity">Worst first</option>
        </select>
      </div>
      {load.kind === 'failed' && (
        <p role="alert" className="notice tone-warn" data-testid="alerts-error">
          Could not load the alerts: {load.error} {view ? 'What is shown is from the last load; ' : ''}Reload
          to try again.
        </p>
      )}
      <form
        className="ack-bar"
        aria-label="Acknowledge"
        onSubmit={(e) => {
          e.preventDefault();
          void acknowledge();
        }}
      >
        <input
          type="text"
          className="field-input"
          aria-label="Comment"
          placeholder="Comment (optional): what you are doing about it"
          maxLength={2_000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          disabled={selected.length === 0 || ack.kind === 'sending'}
        >
          {ack.kind === 'sending' ? 'Acknowledging…' : `Acknowledge ${selected.length}`}
        </button>
        <AckResult state={ack} />
      </form>
      <div className={`alerts-grid${showRules ? ' with-detail' : ''}`}>
        <table className="alerts-table" aria-label="Alerts list" data-testid="alerts-table">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every firing alert shown"
                  checked={allPicked}
                  disabled={firingShown.length === 0}
                  onChange={() => setSelected(allPicked ? [] : firingShown.map((a) => a.id))}
                />
              </th>
              <th scope="col">Severity</th>
              <th scope="col">Rule</th>
              <th scope="col">Subject</th>
              <th scope="col">Message</th>
              <th scope="col">Fired</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <AlertRow
                key={a.id}
                alert={a}
                now={now}
                picked={selected.includes(a.id)}
                onToggle={() => toggle(a.id)}
              />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="muted empty" data-testid="alerts-empty">
            {load.kind === 'loading' || (load.kind === 'idle' && !view)
              ? 'Loading the alerts…'
              : !view
                ? 'Nothing to show until the console answers.'
                : view.alerts.length === 0
                  ? 'No alert: every rule of this profile is quiet.'
                  : 'Nothing matches the filter and the search: clear one to see more.'}
          </p>
        )}
        {showRules && <RulesPanel />}
      </div>
    </main>
  );
}

function AlertRow({
  alert: a,
  now,
  picked,
  onToggle,
}: {
  alert: Alert;
  now: number;
  picked: boolean;
  onToggle: () => void;
}) {
  return (
    <tr data-alert-id={a.id} data-state={a.state} data-rule={a.rule} aria-selected={picked}>
      <td>
        <input
          type="checkbox"
          aria-label={`Select ${a.id}`}
          checked={picked}
          disabled={a.state !== 'firing'}
          onChange={onToggle}
        />
      </td>
      <td>
        <span className={`badge ${severityTone[a.severity]}`}>{a.severity}</span>
      </td>
      <td>{ruleText[a.rule].label}</td>
      <td className="mono">
        {a.remoteId !== null ? (
          <a href={`#/remote/${encodeURIComponent(a.remoteId)}`}>{a.subject}</a>
        ) : (
          a.subject
        )}
      </td>
      <td>{a.message}</td>
      <td title={formatClock(a.firedAt)}>{formatAge(a.firedAt, now)}</td>
      <td data-testid="alert-state">
        <strong
          className={a.state === 'firing' ? 'tone-bad' : a.state === 'acknowledged' ? 'tone-warn' : 'tone-ok'}
        >
          {a.state}
        </strong>
        {a.acknowledgedAt !== null && (
          <span className="ack-line" data-testid="alert-ack">
            {' '}
            by {a.acknowledgedBy ?? 'someone'} at {formatClock(a.acknowledgedAt)}
            {a.comment ? `: “${a.comment}”` : ''}
          </span>
        )}
        {a.resolvedAt !== null && (
          <span className="ack-line" data-testid="alert-resolved">
            {' '}
            resolved {formatClock(a.resolvedAt)}
          </span>
        )}
      </td>
    </tr>
  );
}

function AckResult({ state }: { state: AckState }) {
  if (state.kind === 'failed')
    return (
      <span role="alert" className="tone-bad" data-testid="ack-result">
        Could not acknowledge: {state.error}
      </span>
    );
  if (state.kind !== 'done') return <span role="status" className="sr-only" />;
  return (
    <span role="status" data-testid="ack-result">
      Acknowledged {state.acknowledged}.
      {state.refused.length > 0 &&
        ` Refused: ${state.refused.map((r) => `${r.id} (${r.reason})`).join(', ')}.`}
    </span>
  );
}

/**
 * Desktop notifications, asked for politely: never on load, only when the admin presses the button (a
 * user gesture, which browsers require), and once answered never again; a refusal is said here.
 */
function NotificationStatus() {
  const notifier = useNotifier();
  const permission = useSmt((s) => s.notifyPermission);
  const setPermission = useSmt((s) => s.setNotifyPermission);
  // The admin may have changed it in the browser's settings meanwhile.
  useEffect(() => setPermission(notifier.permission()), [notifier, setPermission]);
  const text: Record<typeof permission, string | null> = {
    native: null,
    granted: null,
    default: 'Desktop notifications are off for this page.',
    denied:
      'Desktop notifications are blocked by this browser: new alerts show here and in the top bar only. Allow notifications for this site in the browser’s settings to get them.',
    unsupported:
      'This browser cannot show desktop notifications: new alerts show here and in the top bar only.',
  };
  if (text[permission] === null) return null;
  return (
    <p className="notice" data-testid="notify-status" data-permission={permission}>
      {text[permission]}{' '}
      {permission === 'default' && (
        <button
          type="button"
          className="button small"
          onClick={() => void notifier.request().then(setPermission)}
        >
          Turn on desktop notifications
        </button>
      )}
    </p>
  );
}
