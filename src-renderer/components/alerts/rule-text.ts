import {
  AlertRule,
  type AlertRuleKind,
  type AlertRules,
  type AlertSeverity,
} from '../../../src-shared/ipc/alert-views';

/** What each rule watches and its threshold's unit (alert-views.ts, AlertRuleKind), as the admin reads it. */
export const ruleText: Record<AlertRuleKind, { label: string; unit: string | null }> = {
  'remote-offline': { label: 'Remote offline', unit: 's' },
  'service-down': { label: 'Service down', unit: null },
  'cpu-high': { label: 'CPU high', unit: '%' },
  'memory-high': { label: 'Memory high', unit: '%' },
  'disk-high': { label: 'Disk high', unit: '%' },
  'pool-utilisation': { label: 'Pool utilisation', unit: '%' },
  'pool-exhaustion': { label: 'Pool exhaustion', unit: 'h' },
  'cert-expiry': { label: 'Certificate expiry', unit: 'days' },
  'delivery-failed': { label: 'Delivery failed', unit: null },
  drift: { label: 'Drift', unit: null },
  'broker-failover': { label: 'Broker failover', unit: null },
  'frames-rejected': { label: 'Frames rejected', unit: 'a minute' },
  'ha-partner': { label: 'HA partner', unit: null },
};

export const severities: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

export const severityTone: Record<AlertSeverity, string> = {
  critical: 'tone-bad',
  warning: 'tone-warn',
  info: 'tone-idle',
};

export type RuleField = 'enabled' | 'severity' | 'threshold' | 'hysteresis' | 'holdS';

/** The contract's own messages, per rule and field, so the form says what the core would refuse. */
export function ruleErrors(rules: AlertRules): Map<AlertRuleKind, Partial<Record<RuleField, string>>> {
  const out = new Map<AlertRuleKind, Partial<Record<RuleField, string>>>();
  for (const rule of rules) {
    const fields: Partial<Record<RuleField, string>> = {};
    // An emptied number field: say so, rather than the schema's "received NaN".
    for (const f of ['threshold', 'hysteresis', 'holdS'] as const) {
      if (Number.isNaN(rule[f])) fields[f] = 'enter a number';
    }
    const r = AlertRule.safeParse(rule);
    if (r.success && Object.keys(fields).length === 0) continue;
    for (const issue of r.error?.issues ?? []) {
      const field = issue.path[0] as RuleField | undefined;
      if (field !== undefined) fields[field] ??= issue.message;
    }
    out.set(rule.kind, fields);
  }
  return out;
}
