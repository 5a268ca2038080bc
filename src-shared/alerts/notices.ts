import type { AlertNotice, AlertRuleKind } from '../ipc/alert-views';

/** At most one notice per rule in this long: a fleet-wide outage raises a handful, not a thousand. */
export const NOTICE_INTERVAL_MS = 60_000;
const TITLE_MAX = 200;
const BODY_MAX = 1_000;

/** An alert that just fired, as a notice tells of it. */
export interface FiredAlert {
  id: string;
  rule: AlertRuleKind;
  subject: string;
  message: string;
}

interface RuleNotices {
  /** When the rule's last notice was raised. */
  lastAt: number;
  /** Fired since then, told in the next notice once the minute is over. */
  queued: readonly FiredAlert[];
}

/** Per rule, what was told and what waits; absent: nothing told yet. */
export type NoticeState = Readonly<Partial<Record<AlertRuleKind, RuleNotices>>>;
export const initialNotices: NoticeState = {};

export const ruleTitle: Record<AlertRuleKind, string> = {
  'remote-offline': 'Remote offline',
  'service-down': 'Service down',
  'cpu-high': 'CPU high',
  'memory-high': 'Memory high',
  'disk-high': 'Disk high',
  'pool-utilisation': 'DHCP pool filling',
  'pool-exhaustion': 'DHCP pool exhausting',
  'cert-expiry': 'Certificate expiring',
  'delivery-failed': 'Delivery failed',
  drift: 'Drift',
  'broker-failover': 'Broker failover',
  'frames-rejected': 'Frames rejected',
  'ha-partner': 'Kea HA partner',
};

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const single = (a: FiredAlert, at: number): AlertNotice => ({
  title: cut(`${ruleTitle[a.rule]}: ${a.subject}`, TITLE_MAX),
  body: cut(a.message, BODY_MAX),
  alertIds: [a.id],
  at,
});

const summary = (rule: AlertRuleKind, alerts: readonly FiredAlert[], at: number): AlertNotice => {
  const n = alerts.length;
  return {
    title: cut(`${n} more ${ruleTitle[rule].toLowerCase()} alert${n === 1 ? '' : 's'}`, TITLE_MAX),
    body: cut(alerts.map((a) => a.subject).join(', '), BODY_MAX),
    alertIds: alerts.map((a) => a.id),
    at,
  };
};

/**
 * The notices to raise now, given the alerts that just fired (possibly none: the driver calls this on
 * every tick so what waited is told once its minute is over). Per rule: the first alert after a quiet
 * minute is told on its own at once; every further one within the minute waits and is summarised
 * ("3 more …") in the rule's next notice, a minute after the last.
 */
export function takeNotices(
  state: NoticeState,
  fired: readonly FiredAlert[],
  now: number,
): { state: NoticeState; notices: AlertNotice[] } {
  const next = new Map(Object.entries(state) as [AlertRuleKind, RuleNotices][]);
  const notices: AlertNotice[] = [];
  const rules = new Set<AlertRuleKind>([
    ...(Object.keys(state) as AlertRuleKind[]),
    ...fired.map((a) => a.rule),
  ]);
  for (const rule of rules) {
    const prev = state[rule];
    const fresh = fired.filter((a) => a.rule === rule);
    const queued = [...(prev?.queued ?? []), ...fresh];
    const due = prev === undefined || now - prev.lastAt >= NOTICE_INTERVAL_MS;
    if (!due) {
      next.set(rule, { lastAt: prev.lastAt, queued });
      continue;
    }
    if (queued.length === 0) {
      // Nothing told for a minute and nothing waiting: the rule starts afresh.
      next.delete(rule);
      continue;
    }
    if ((prev?.queued.length ?? 0) > 0) {
      notices.push(summary(rule, queued, now));
      next.set(rule, { lastAt: now, queued: [] });
    } else {
      const [first, ...rest] = queued as [FiredAlert, ...FiredAlert[]];
      notices.push(single(first, now));
      next.set(rule, { lastAt: now, queued: rest });
    }
  }
  return { state: Object.fromEntries(next) as NoticeState, notices };
}
