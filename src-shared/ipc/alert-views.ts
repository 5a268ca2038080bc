import { z } from 'zod';

/**
 * Fleet-wide alerts (docs/alerts.md): rules with thresholds, hold times and hysteresis per profile; each
 * alert firing, acknowledged (by whom, with a comment) or resolved, kept in the profile's database.
 */

const EpochMs = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

/** Every kind of rule the console evaluates. One rule of each kind per profile. */
export const AlertRuleKind = z.enum([
  /** A remote silent (offline) longer than `threshold` seconds. */
  'remote-offline',
  /** named or kea-dhcp4 not running on a remote that has it (threshold unused). */
  'service-down',
  /** CPU, memory or disk above `threshold` %. */
  'cpu-high',
  'memory-high',
  'disk-high',
  /** A DHCP subnet's (or pool's) utilisation above `threshold` %. */
  'pool-utilisation',
  /** A DHCP subnet exhausted within `threshold` hours at the last 24 h's rate. */
  'pool-exhaustion',
  /** A certificate (a remote's, the console's, a broker's) expiring within `threshold` days. */
  'cert-expiry',
  /** A delivery ended failed or rolled back (threshold unused). */
  'delivery-failed',
  /** A remote serves a drifted or missing object (threshold unused). */
  'drift',
  /** The console's broker session moved to the other broker (threshold unused). */
  'broker-failover',
  /** More than `threshold` frames from one remote refused by the inbound guard in a minute. */
  'frames-rejected',
  /** A Kea HA partner down, or the pair disagreeing (threshold unused). */
  'ha-partner',
]);
export type AlertRuleKind = z.infer<typeof AlertRuleKind>;
export const alertRuleKinds = AlertRuleKind.options;

export const AlertSeverity = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/**
 * One rule. A condition must hold `holdS` seconds before its alert fires, and, for a threshold rule, fall
 * `hysteresis` below the threshold (in the threshold's unit) before it resolves: a value hovering at the
 * threshold does not flap.
 */
export const AlertRule = z
  .strictObject({
    kind: AlertRuleKind,
    enabled: z.boolean(),
    severity: AlertSeverity,
    /** The rule's unit: seconds, %, hours, days or frames a minute (see AlertRuleKind); null: no threshold. */
    threshold: z.number().nonnegative().max(1_000_000).nullable(),
    hysteresis: z.number().nonnegative().max(1_000_000),
    holdS: z.number().int().nonnegative().max(86_400),
  })
  .refine((r) => r.threshold === null || r.hysteresis <= r.threshold, {
    message: 'the hysteresis band cannot be wider than the threshold',
    path: ['hysteresis'],
  });
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertRules = z.array(AlertRule).max(alertRuleKinds.length);
export type AlertRules = z.infer<typeof AlertRules>;

export const AlertState = z.enum(['firing', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

export const Alert = z.object({
  /** Stable and short, for `smt ack <id>`: `a-` and digits. */
  id: z.string().regex(/^a-[0-9]{1,12}$/),
  rule: AlertRuleKind,
  severity: AlertSeverity,
  /** What it is about: a remote id, `broker:<name>`, `console`, `scope:<cidr>@<remote>`, … */
  subject: z.string().max(300),
  /** The remote it concerns, when it concerns one. */
  remoteId: z.string().nullable(),
  state: AlertState,
  /** For the admin: what is wrong, with the value and the threshold. */
  message: z.string().max(2_000),
  /** The last value seen (%, s, h, days, frames); null for a rule without one. */
  value: z.number().nullable(),
  firedAt: EpochMs,
  acknowledgedAt: EpochMs.nullable(),
  acknowledgedBy: z.string().nullable(),
  comment: z.string().max(2_000).nullable(),
  resolvedAt: EpochMs.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertsQuery = z.strictObject({
  /** Default: firing and acknowledged (not resolved). */
  states: z.array(AlertState).max(3).optional(),
  limit: z.number().int().min(1).max(10_000).default(1_000),
});

export const AlertsView = z.object({
  alerts: z.array(Alert),
  /** Firing (not acknowledged) alerts: the count the top bar shows. */
  firing: Count,
  generatedAt: EpochMs,
});
export type AlertsView = z.infer<typeof AlertsView>;

export const AckRequest = z.strictObject({
  ids: z.array(Alert.shape.id).min(1, 'pick at least one alert').max(10_000),
  comment: z.string().trim().max(2_000).optional(),
});

export const AckOutcome = z.object({
  acknowledged: z.array(Alert.shape.id),
  /** Ids that are unknown or already resolved, each with why. */
  refused: z.array(z.object({ id: z.string(), reason: z.string() })),
});

/**
 * A desktop notification to raise: the first new firing alert of a rule within a minute, or a summary of
 * the rest ("3 more alerts: …"). Electron's main process shows it natively; the renderer under the browser
 * host with the browser's Notification.
 */
export const AlertNotice = z.object({
  title: z.string().max(200),
  body: z.string().max(1_000),
  alertIds: z.array(z.string()),
  at: EpochMs,
});
export type AlertNotice = z.infer<typeof AlertNotice>;

export const AlertsChanged = z.object({ firing: Count, at: EpochMs });
