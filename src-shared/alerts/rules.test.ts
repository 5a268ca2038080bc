import { describe, expect, it } from 'vitest';
import { AlertRule, alertRuleKinds } from '../ipc/alert-views';
import { AlertRulesError, checkAlertRules, defaultAlertRules, effectiveRules, thresholdKinds } from './rules';

describe('default alert rules', () => {
  it('has one valid rule per kind, each under its own kind', () => {
    for (const k of alertRuleKinds) {
      const r = defaultAlertRules[k];
      expect(r.kind).toBe(k);
      expect(AlertRule.safeParse(r).success).toBe(true);
    }
    expect(() => checkAlertRules(Object.values(defaultAlertRules))).not.toThrow();
  });

  it('uses the documented thresholds', () => {
    expect(defaultAlertRules['remote-offline'].threshold).toBe(120);
    expect(defaultAlertRules['cpu-high']).toMatchObject({ threshold: 90, holdS: 300, hysteresis: 10 });
    expect(defaultAlertRules['disk-high'].threshold).toBe(90);
    expect(defaultAlertRules['pool-utilisation'].threshold).toBe(80);
    expect(defaultAlertRules['pool-exhaustion'].threshold).toBe(24);
    expect(defaultAlertRules['cert-expiry'].threshold).toBe(30);
    expect(defaultAlertRules['frames-rejected'].threshold).toBe(10);
  });

  it('fills the kinds not saved with their defaults, in the kinds order', () => {
    const saved = { ...defaultAlertRules.drift, enabled: false };
    const rules = effectiveRules([saved]);
    expect(rules.map((r) => r.kind)).toEqual(alertRuleKinds);
    expect(rules.find((r) => r.kind === 'drift')?.enabled).toBe(false);
    expect(rules.find((r) => r.kind === 'cpu-high')).toEqual(defaultAlertRules['cpu-high']);
  });
});

describe('checkAlertRules', () => {
  const refused = (rules: unknown, message: RegExp) => {
    expect(() => checkAlertRules(rules)).toThrow(AlertRulesError);
    expect(() => checkAlertRules(rules)).toThrow(message);
  };

  it('refuses a second rule of a kind', () => {
    refused([defaultAlertRules.drift, defaultAlertRules.drift], /rule 2: a second drift rule/);
  });

  it('refuses an unknown kind', () => {
    refused([{ ...defaultAlertRules.drift, kind: 'moon-phase' }], /do not validate/);
  });

  it('refuses a threshold rule without threshold and a condition rule with one', () => {
    refused([{ ...defaultAlertRules['cpu-high'], threshold: null }], /cpu-high needs a threshold \(%\)/);
    refused([{ ...defaultAlertRules.drift, threshold: 3 }], /drift takes no threshold/);
    expect(thresholdKinds.has('drift')).toBe(false);
  });

  it('refuses a percentage above 100 and a band wider than the threshold', () => {
    refused([{ ...defaultAlertRules['disk-high'], threshold: 120 }], /percentage/);
    refused([{ ...defaultAlertRules['cpu-high'], hysteresis: 95 }], /hysteresis/);
  });
});
