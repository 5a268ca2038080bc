import type {
  Alert,
  AlertRuleKind,
  AlertRules,
  AlertSeverity,
  AlertState,
  AlertsView,
} from '../../src-shared/ipc/alert-views';
import type { SliceCreator } from './slice';

/** Like Zones & Scopes' load: an old view is never shown as current, nor an error beside a fresh one. */
export type AlertsLoad =
  { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded' } | { kind: 'failed'; error: string };

/**
 * Whether this page can raise a desktop notification. `native`: Electron's main process raises them (the
 * page never asks); `unsupported`: the browser has no Notification; the rest are the browser's answers.
 */
export type NotifyPermission = 'native' | 'unsupported' | 'default' | 'granted' | 'denied';

export interface AlertsFilter {
  /** Empty: every state. */
  states: readonly AlertState[];
  severity: AlertSeverity | 'all';
  rule: AlertRuleKind | 'all';
  /** Searched in the subject, the remote and the message. */
  query: string;
}

export type AlertsSort = 'time' | 'severity';

export interface AlertsState {
  alertsView: AlertsView | null;
  alertsLoad: AlertsLoad;
  /** Firing, unacknowledged alerts: the top bar's count (the event's, or the view's if newer). */
  alertsFiring: number;
  /** The console's clock when it last said the alerts changed; a view generated before it is stale. */
  alertsChangedAt: number | null;
  alertsFilter: AlertsFilter;
  alertsSort: AlertsSort;
  /** Alert ids picked for acknowledgement. */
  alertsSelected: readonly string[];
  /** The profile's rules as last loaded or saved; null until loaded. */
  alertRules: AlertRules | null;
  notifyPermission: NotifyPermission;
}

export interface AlertsActions {
  alertsLoading(): void;
  alertsLoaded(view: AlertsView): void;
  alertsFailed(error: string): void;
  /** The `alertsChanged` event: the top bar's count moves at once, the view follows with its reload. */
  alertsChanged(event: { at: number; firing: number }): void;
  setAlertsFilter(filter: Partial<AlertsFilter>): void;
  setAlertsSort(sort: AlertsSort): void;
  toggleAlertSelected(id: string): void;
  setAlertsSelected(ids: readonly string[]): void;
  setAlertRules(rules: AlertRules): void;
  setNotifyPermission(permission: NotifyPermission): void;
}

export type AlertsSlice = AlertsState & AlertsActions;

/** What needs the admin: not yet resolved. */
export const defaultAlertsFilter: AlertsFilter = {
  states: ['firing', 'acknowledged'],
  severity: 'all',
  rule: 'all',
  query: '',
};

/** What a profile switch drops: the previous IPAM's alerts and rules must not show as the new one's. */
export const alertsReset: Pick<
  AlertsState,
  'alertsView' | 'alertsLoad' | 'alertsFiring' | 'alertsChangedAt' | 'alertsSelected' | 'alertRules'
> = {
  alertsView: null,
  alertsLoad: { kind: 'idle' },
  alertsFiring: 0,
  alertsChangedAt: null,
  alertsSelected: [],
  alertRules: null,
};

export const initialAlerts: AlertsState = {
  ...alertsReset,
  alertsFilter: defaultAlertsFilter,
  alertsSort: 'time',
  notifyPermission: 'unsupported',
};

const severityRank: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Newest first; by severity, the worst first and the newest first within one severity. */
export function visibleAlerts(
  view: AlertsView | null,
  filter: AlertsFilter,
  sort: AlertsSort,
): readonly Alert[] {
  if (!view) return [];
  const q = filter.query.trim().toLowerCase();
  const shown = view.alerts.filter(
    (a) =>
      (filter.states.length === 0 || filter.states.includes(a.state)) &&
      (filter.severity === 'all' || a.severity === filter.severity) &&
      (filter.rule === 'all' || a.rule === filter.rule) &&
      (q === '' || [a.subject, a.remoteId ?? '', a.message].some((t) => t.toLowerCase().includes(q))),
  );
  const byTime = (a: Alert, b: Alert) => b.firedAt - a.firedAt || a.id.localeCompare(b.id);
  return shown.sort(
    sort === 'time' ? byTime : (a, b) => severityRank[a.severity] - severityRank[b.severity] || byTime(a, b),
  );
}

/**
 * The view is stale when the console said the alerts changed after it was generated (its reload has not
 * answered yet), or when the last reload failed and an older view is still on screen.
 */
export function alertsStale(s: Pick<AlertsState, 'alertsView' | 'alertsLoad' | 'alertsChangedAt'>): boolean {
  if (s.alertsView === null) return false;
  if (s.alertsLoad.kind === 'failed') return true;
  return s.alertsChangedAt !== null && s.alertsChangedAt > s.alertsView.generatedAt;
}

/** Only firing alerts can be acknowledged: a selection keeps those the view still shows firing. */
const ackable = (view: AlertsView | null, ids: readonly string[]): readonly string[] => {
  const firing = new Set(view?.alerts.filter((a) => a.state === 'firing').map((a) => a.id));
  return ids.filter((id) => firing.has(id));
};

export const createAlertsSlice: SliceCreator<AlertsSlice> = (set) => ({
  ...initialAlerts,
  alertsLoading: () => set({ alertsLoad: { kind: 'loading' } }),
  alertsLoaded: (view) =>
    set((s) => ({
      alertsView: view,
      alertsLoad: { kind: 'loaded' },
      // An event newer than this view already counted for a later state of the fleet.
      alertsFiring:
        s.alertsChangedAt !== null && s.alertsChangedAt > view.generatedAt ? s.alertsFiring : view.firing,
      alertsSelected: ackable(view, s.alertsSelected),
    })),
  alertsFailed: (error) => set({ alertsLoad: { kind: 'failed', error } }),
  alertsChanged: (e) =>
    set((s) =>
      s.alertsChangedAt !== null && s.alertsChangedAt > e.at
        ? {}
        : { alertsChangedAt: e.at, alertsFiring: e.firing },
    ),
  setAlertsFilter: (filter) => set((s) => ({ alertsFilter: { ...s.alertsFilter, ...filter } })),
  setAlertsSort: (alertsSort) => set({ alertsSort }),
  toggleAlertSelected: (id) =>
    set((s) => ({
      alertsSelected: s.alertsSelected.includes(id)
        ? s.alertsSelected.filter((x) => x !== id)
        : ackable(s.alertsView, [...s.alertsSelected, id]),
    })),
  setAlertsSelected: (ids) => set((s) => ({ alertsSelected: ackable(s.alertsView, ids) })),
  setAlertRules: (alertRules) => set({ alertRules }),
  setNotifyPermission: (notifyPermission) => set({ notifyPermission }),
});
