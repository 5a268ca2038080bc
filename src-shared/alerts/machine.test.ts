import { describe, expect, it } from 'vitest';
import {
  conditionKinds,
  judge,
  transition,
  type ConditionKind,
  type ConditionState,
  type Effect,
  type Observation,
  type RuleParams,
} from './machine';

/** CPU-like: fires at ≥ 90 after a 300 s hold, resolves below 80. */
const cpu: RuleParams = { threshold: 90, hysteresis: 10, holdS: 300, direction: 'above' };
const since = 1_000;

const sample: Record<ConditionKind, ConditionState> = {
  ok: { kind: 'ok' },
  pending: { kind: 'pending', since, value: 95 },
  firing: { kind: 'firing', since, value: 95 },
};

const early = since + 10_000;
const late = since + 300_000;
const events = {
  'breach (early)': { kind: 'value', at: early, value: 95 },
  'breach (hold over)': { kind: 'value', at: late, value: 96 },
  'breach (same value)': { kind: 'value', at: early, value: 95 },
  'in band': { kind: 'value', at: late, value: 85 },
  clear: { kind: 'value', at: late, value: 50 },
  gone: { kind: 'gone', at: late },
} satisfies Record<string, Observation>;
type EventName = keyof typeof events;

type Expected = [ConditionKind, Effect['kind']];
/** Every state × every event: the next state's kind and the effect. */
const table: Record<ConditionKind, Record<EventName, Expected>> = {
  ok: {
    'breach (early)': ['pending', 'none'],
    'breach (hold over)': ['pending', 'none'],
    'breach (same value)': ['pending', 'none'],
    'in band': ['ok', 'none'],
    clear: ['ok', 'none'],
    gone: ['ok', 'none'],
  },
  pending: {
    'breach (early)': ['pending', 'none'],
    'breach (hold over)': ['firing', 'fire'],
    'breach (same value)': ['pending', 'none'],
    // The hold needs the condition without a break.
    'in band': ['ok', 'none'],
    clear: ['ok', 'none'],
    gone: ['ok', 'none'],
  },
  firing: {
    'breach (early)': ['firing', 'none'],
    'breach (hold over)': ['firing', 'update'],
    'breach (same value)': ['firing', 'none'],
    // Below the threshold but within the band: no flapping.
    'in band': ['firing', 'update'],
    clear: ['ok', 'resolve'],
    gone: ['ok', 'resolve'],
  },
};

describe('alert condition machine', () => {
  for (const kind of conditionKinds) {
    for (const name of Object.keys(events) as EventName[]) {
      const [next, effect] = table[kind][name];
      it(`${kind} + ${name} → ${next} (${effect})`, () => {
        const step = transition(cpu, sample[kind], events[name]);
        expect(step.state.kind).toBe(next);
        expect(step.effect.kind).toBe(effect);
      });
    }
  }

  it('keeps when the condition started while pending, and fires with the value seen', () => {
    const a = transition(cpu, sample.ok, { kind: 'value', at: 5, value: 91 });
    expect(a.state).toEqual({ kind: 'pending', since: 5, value: 91 });
    const b = transition(cpu, a.state, { kind: 'value', at: 5 + 299_999, value: 92 });
    expect(b.state).toEqual({ kind: 'pending', since: 5, value: 92 });
    const c = transition(cpu, b.state, { kind: 'value', at: 5 + 300_000, value: 93 });
    expect(c.effect).toEqual({ kind: 'fire', value: 93 });
  });

  it('fires at once with no hold', () => {
    const step = transition({ ...cpu, holdS: 0 }, sample.ok, { kind: 'value', at: 7, value: 90 });
    expect(step.state).toEqual({ kind: 'firing', since: 7, value: 90 });
    expect(step.effect).toEqual({ kind: 'fire', value: 90 });
  });

  it('judges a below-rule (days to expiry) with its band above the threshold', () => {
    const cert: RuleParams = { threshold: 30, hysteresis: 5, holdS: 0, direction: 'below' };
    expect(judge(cert, { kind: 'value', at: 0, value: 30 })).toBe('breach');
    expect(judge(cert, { kind: 'value', at: 0, value: 35 })).toBe('band');
    expect(judge(cert, { kind: 'value', at: 0, value: 36 })).toBe('clear');
  });

  it('judges the band edge of an above-rule: threshold − hysteresis still holds the alert', () => {
    expect(judge(cpu, { kind: 'value', at: 0, value: 80 })).toBe('band');
    expect(judge(cpu, { kind: 'value', at: 0, value: 79.9 })).toBe('clear');
  });

  it('judges conditions without a threshold by whether they hold, and a value without one as clear', () => {
    const cond: RuleParams = { threshold: null, hysteresis: 0, holdS: 0, direction: 'above' };
    expect(judge(cond, { kind: 'condition', at: 0, holds: true })).toBe('breach');
    expect(judge(cond, { kind: 'condition', at: 0, holds: false })).toBe('clear');
    expect(judge(cond, { kind: 'value', at: 0, value: 1e6 })).toBe('clear');
  });
});
