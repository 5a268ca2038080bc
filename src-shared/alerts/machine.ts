/**
 * One alert rule's condition on one subject (a remote, a scope, a certificate …), as a pure state machine
 * (docs/alerts.md). The driver feeds it observations; it answers the next state and whether an alert
 * fires, resolves, or nothing happens. Acknowledging is the store's business, not the machine's: an
 * acknowledged alert's condition still holds, and it still resolves when the condition ends.
 */

/** How a rule judges a value: which side of the threshold is wrong, how long it must stay there, and the band. */
export interface RuleParams {
  /** null: the rule has no value to compare; its observations say whether the condition holds. */
  threshold: number | null;
  hysteresis: number;
  holdS: number;
  /** `above`: a value at or above the threshold is wrong (CPU %); `below`: at or below it (days to expiry). */
  direction: 'above' | 'below';
}

export type ConditionState =
  /** The condition does not hold (or the subject was never seen wrong). */
  | { kind: 'ok' }
  /** The condition holds since `since`, not yet `holdS` long: no alert yet. */
  | { kind: 'pending'; since: number; value: number | null }
  /** An alert is out: it resolves once the value leaves the hysteresis band (or the condition ends). */
  | { kind: 'firing'; since: number; value: number | null };
export type ConditionKind = ConditionState['kind'];
export const conditionKinds: readonly ConditionKind[] = ['ok', 'pending', 'firing'];

export type Observation =
  /** A measured value (%, s, h, days, frames a minute), judged against the threshold. */
  | { kind: 'value'; at: number; value: number }
  /** A condition without a threshold (a process down, a drift): holds or not; `value` only for the message. */
  | { kind: 'condition'; at: number; holds: boolean; value?: number | null }
  /** The subject is gone (a rule disabled, a scope removed): whatever fired resolves. */
  | { kind: 'gone'; at: number };
export type ObservationKind = Observation['kind'];

export type Effect =
  | { kind: 'none' }
  | { kind: 'fire'; value: number | null }
  /** Still firing, with a new last value for the alert's row. */
  | { kind: 'update'; value: number | null }
  | { kind: 'resolve' };

export interface Step {
  state: ConditionState;
  effect: Effect;
}

export const initialState: ConditionState = { kind: 'ok' };

type Verdict = 'breach' | 'band' | 'clear';

/**
 * `breach`: the condition holds. `band`: not breached, but not far enough back to resolve a firing
 * alert (within `hysteresis` of the threshold). `clear`: well back.
 */
export function judge(params: RuleParams, obs: Exclude<Observation, { kind: 'gone' }>): Verdict {
  if (obs.kind === 'condition') return obs.holds ? 'breach' : 'clear';
  const { threshold, hysteresis, direction } = params;
  // A value for a rule without a threshold cannot breach: the rule is misused, and stays quiet.
  if (threshold === null) return 'clear';
  if (direction === 'above') {
    if (obs.value >= threshold) return 'breach';
    return obs.value >= threshold - hysteresis ? 'band' : 'clear';
  }
  if (obs.value <= threshold) return 'breach';
  return obs.value <= threshold + hysteresis ? 'band' : 'clear';
}

const valueOf = (obs: Observation): number | null =>
  obs.kind === 'value' ? obs.value : obs.kind === 'condition' ? (obs.value ?? null) : null;

const none = (state: ConditionState): Step => ({ state, effect: { kind: 'none' } });

/** The next state of one (rule, subject) after an observation. */
export function transition(params: RuleParams, state: ConditionState, obs: Observation): Step {
  if (obs.kind === 'gone') {
    return state.kind === 'firing'
      ? { state: initialState, effect: { kind: 'resolve' } }
      : none(initialState);
  }
  const verdict = judge(params, obs);
  const value = valueOf(obs);
  const holdMs = params.holdS * 1000;
  switch (state.kind) {
    case 'ok':
      if (verdict !== 'breach') return none(state);
      if (holdMs === 0)
        return { state: { kind: 'firing', since: obs.at, value }, effect: { kind: 'fire', value } };
      return none({ kind: 'pending', since: obs.at, value });
    case 'pending':
      // The hold needs the condition without a break: a dip (even into the band) starts it again.
      if (verdict !== 'breach') return none(initialState);
      if (obs.at - state.since >= holdMs)
        return { state: { kind: 'firing', since: obs.at, value }, effect: { kind: 'fire', value } };
      return none({ ...state, value });
    case 'firing':
      if (verdict === 'clear') return { state: initialState, effect: { kind: 'resolve' } };
      if (value === state.value) return none(state);
      return { state: { ...state, value }, effect: { kind: 'update', value } };
  }
}
