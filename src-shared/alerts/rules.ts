import { z } from 'zod';
import type { AlertRule } from '../ipc/alert-views';
import {
  AlertRules,
  alertRuleKinds,
  type AlertRuleKind,
  type AlertRules as AlertRulesT,
} from '../ipc/alert-views';
import type { RuleParams } from './machine';

/**
 * The rules a profile starts with (docs/alerts.md, "Defaults"), each with why. Hold times keep a blip
 * (a restart, a busy minute, a slow presence) from paging anyone; hysteresis keeps a value hovering at
 * the threshold from flapping.
 */
export const defaultAlertRules: Record<AlertRuleKind, AlertRule> = {
  // The fleet model already calls a remote offline after 3 missed presences (6 s); 2 minutes of silence
  // rides out an agent restart or a broker failover, and still tells the admin well within a coffee break.
  'remote-offline': {
    kind: 'remote-offline',
    enabled: true,
    severity: 'critical',
    threshold: 120,
    hysteresis: 0,
    holdS: 0,
  },
  // A reload restarts named/kea for a second or two; 30 s of "not running" is a service that is down.
  'service-down': {
    kind: 'service-down',
    enabled: true,
    severity: 'critical',
    threshold: null,
    hysteresis: 0,
    holdS: 30,
  },
  // A resolver at 90 % CPU for 5 minutes is saturated, not busy; it resolves below 80 %.
  'cpu-high': {
    kind: 'cpu-high',
    enabled: true,
    severity: 'warning',
    threshold: 90,
    hysteresis: 10,
    holdS: 300,
  },
  // Memory moves slowly; 5 minutes above 90 % is a trend, not a cache fill.
  'memory-high': {
    kind: 'memory-high',
    enabled: true,
    severity: 'warning',
    threshold: 90,
    hysteresis: 5,
    holdS: 300,
  },
  // A full disk stops zone transfers and lease files: warn at 90 %, after a minute (log rotation spikes).
  'disk-high': {
    kind: 'disk-high',
    enabled: true,
    severity: 'critical',
    threshold: 90,
    hysteresis: 5,
    holdS: 60,
  },
  // 80 % leaves room to add a pool before clients are refused; 5 % band against lease churn.
  'pool-utilisation': {
    kind: 'pool-utilisation',
    enabled: true,
    severity: 'warning',
    threshold: 80,
    hysteresis: 5,
    holdS: 300,
  },
  // A day's notice at the last 24 h's rate: enough to act in office hours.
  'pool-exhaustion': {
    kind: 'pool-exhaustion',
    enabled: true,
    severity: 'critical',
    threshold: 24,
    hysteresis: 6,
    holdS: 600,
  },
  // 30 days covers a change window and a certificate request's turnaround.
  'cert-expiry': {
    kind: 'cert-expiry',
    enabled: true,
    severity: 'warning',
    threshold: 30,
    hysteresis: 0,
    holdS: 0,
  },
  // A failed or rolled-back delivery is already final: raise it at once.
  'delivery-failed': {
    kind: 'delivery-failed',
    enabled: true,
    severity: 'warning',
    threshold: null,
    hysteresis: 0,
    holdS: 0,
  },
  // A remote's inventory arrives every few minutes; a minute's hold skips a push still being applied.
  drift: { kind: 'drift', enabled: true, severity: 'warning', threshold: null, hysteresis: 0, holdS: 60 },
  // Worth knowing (the primary is down or unreachable), not worth waking anyone: info.
  'broker-failover': {
    kind: 'broker-failover',
    enabled: true,
    severity: 'info',
    threshold: null,
    hysteresis: 0,
    holdS: 0,
  },
  // An agent sends a few frames a second; 10 refused in a minute is a misconfigured or hostile sender.
  'frames-rejected': {
    kind: 'frames-rejected',
    enabled: true,
    severity: 'warning',
    threshold: 10,
    hysteresis: 0,
    holdS: 0,
  },
  // An HA pair not agreeing for a minute is not a partner restart any more.
  'ha-partner': {
    kind: 'ha-partner',
    enabled: true,
    severity: 'critical',
    threshold: null,
    hysteresis: 0,
    holdS: 60,
  },
};

/** Which side of its threshold is wrong, per kind: less time left is worse for expiry and exhaustion. */
export const ruleDirection: Record<AlertRuleKind, RuleParams['direction']> = {
  'remote-offline': 'above',
  'service-down': 'above',
  'cpu-high': 'above',
  'memory-high': 'above',
  'disk-high': 'above',
  'pool-utilisation': 'above',
  'pool-exhaustion': 'below',
  'cert-expiry': 'below',
  'delivery-failed': 'above',
  drift: 'above',
  'broker-failover': 'above',
  'frames-rejected': 'above',
  'ha-partner': 'above',
};

/** Kinds judged on a value against a threshold; the others on a condition that holds or not. */
export const thresholdKinds: ReadonlySet<AlertRuleKind> = new Set(
  alertRuleKinds.filter((k) => defaultAlertRules[k].threshold !== null),
);

export const ruleParams = (rule: AlertRule): RuleParams => ({
  threshold: rule.threshold,
  hysteresis: rule.hysteresis,
  holdS: rule.holdS,
  direction: ruleDirection[rule.kind],
});

/** Every kind's rule: the saved one where there is one, else its default; in the kinds' order. */
export function effectiveRules(saved: readonly AlertRule[]): AlertRule[] {
  const byKind = new Map(saved.map((r) => [r.kind, r]));
  return alertRuleKinds.map((k) => byKind.get(k) ?? defaultAlertRules[k]);
}

export class AlertRulesError extends Error {
  override name = 'AlertRulesError';
}

/**
 * Checks rules an admin saves beyond their shape: one rule per kind, and a threshold exactly where the
 * kind has one (a threshold on `drift` means nothing; none on `cpu-high` would never fire). Unknown kinds
 * are refused by the shape. Throws AlertRulesError naming the first rule that is wrong.
 */
export function checkAlertRules(input: unknown): AlertRulesT {
  const parsed = AlertRules.safeParse(input);
  if (!parsed.success) {
    throw new AlertRulesError(`the alert rules do not validate: ${z.prettifyError(parsed.error)}`);
  }
  const seen = new Set<AlertRuleKind>();
  for (const [i, r] of parsed.data.entries()) {
    if (seen.has(r.kind)) throw new AlertRulesError(`rule ${i + 1}: a second ${r.kind} rule (one per kind)`);
    seen.add(r.kind);
    const wants = thresholdKinds.has(r.kind);
    if (wants && r.threshold === null)
      throw new AlertRulesError(`rule ${i + 1}: ${r.kind} needs a threshold (${unitOf[r.kind]})`);
    if (!wants && r.threshold !== null)
      throw new AlertRulesError(`rule ${i + 1}: ${r.kind} takes no threshold (set it to null)`);
    if (
      r.kind === 'pool-utilisation' ||
      r.kind === 'cpu-high' ||
      r.kind === 'memory-high' ||
      r.kind === 'disk-high'
    ) {
      if (r.threshold !== null && r.threshold > 100)
        throw new AlertRulesError(`rule ${i + 1}: ${r.kind}'s threshold is a percentage (at most 100)`);
    }
  }
  return parsed.data;
}

/** The unit of each kind's threshold, for messages and the CLI. */
export const unitOf: Record<AlertRuleKind, string> = {
  'remote-offline': 'seconds',
  'service-down': '',
  'cpu-high': '%',
  'memory-high': '%',
  'disk-high': '%',
  'pool-utilisation': '%',
  'pool-exhaustion': 'hours',
  'cert-expiry': 'days',
  'delivery-failed': '',
  drift: '',
  'broker-failover': '',
  'frames-rejected': 'frames a minute',
  'ha-partner': '',
};
