import { effectiveRules } from '../../../src-shared/alerts/rules';
import type { AlertRules } from '../../../src-shared/ipc/alert-views';
import type { RemoteView } from '../../../src-shared/ipc';

const DAY_MS = 86_400_000;

/** The System information row for a remote's certificate, and whether the cert-expiry rule would fire. */
export interface CertRow {
  text: string;
  /** Within the rule's threshold (or expired): shown as a warning. */
  warn: boolean;
  /** The exact instant, for the row's tooltip. */
  detail: string;
}

/**
 * Days counted as the alert evaluator counts them (findings.ts certFindings, whole days down), so the
 * screen warns exactly when the rule fires; the profile's rules when loaded, else the defaults. A
 * disabled rule warns of nothing but an expired certificate.
 */
export function certRow(r: RemoteView, now: number, rules: AlertRules | null): CertRow | null {
  const notAfter = r.certNotAfter;
  if (notAfter === undefined) return null;
  const rule = effectiveRules(rules ?? []).find((x) => x.kind === 'cert-expiry');
  const days = Math.floor((notAfter - now) / DAY_MS);
  const date = new Date(notAfter).toISOString().slice(0, 10);
  const text = days < 0 ? `expired ${date}` : `${date} (${days === 1 ? '1 day' : `${days} days`} left)`;
  // 'below' rule: at or under the threshold fires (src-shared/alerts/machine.ts judge).
  const warn = days < 0 || (rule?.enabled === true && rule.threshold !== null && days <= rule.threshold);
  const detail = `The agent's client certificate is valid until ${new Date(notAfter).toISOString()}`;
  return { text, warn, detail };
}
