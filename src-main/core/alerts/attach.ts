import { silentLog, type LogSink } from '../../../src-node/log';
import { initialState, transition, type ConditionState } from '../../../src-shared/alerts/machine';
import {
  initialNotices,
  takeNotices,
  type FiredAlert,
  type NoticeState,
} from '../../../src-shared/alerts/notices';
import {
  checkAlertRules,
  defaultAlertRules,
  effectiveRules,
  ruleParams,
} from '../../../src-shared/alerts/rules';
import type {
  AlertNotice,
  AlertRule,
  AlertRuleKind,
  AlertState,
  AlertsView,
} from '../../../src-shared/ipc/alert-views';
import type { ObjectsView } from '../../../src-shared/ipc/inventory-views';
import { objectKey } from '../../../src-shared/config/object-key';
import { errorText } from '../../../src-shared/util/error-text';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import type { ConsoleCore } from '../console-core';
import { AlertStore, type AckResult } from '../store/alert-store';
import type { Db } from '../store/database';
import { noFacts, type CertFacts, type HaFacts, type PoolFacts } from './facts';
import {
  RejectWindow,
  certFindings,
  deliveryFindings,
  driftFindings,
  failoverFindings,
  fleetFindings,
  haFindings,
  poolFindings,
  type DeliveryOutcome,
  type Finding,
} from './findings';

/** Often enough that a hold time of a minute is honoured within a few seconds; a round is cheap. */
const DEFAULT_INTERVAL_MS = 5_000;
/** The top bar's count moves at most this often. */
const DEFAULT_CHANGED_INTERVAL_MS = 1_000;
/** An event (a failed result, a drift, a failover) is evaluated this soon, once per burst. */
const SETTLE_MS = 200;
/** Delivery outcomes remembered at most; the oldest go first (a failure is then told by the next round only). */
const MAX_OUTCOMES = 10_000;

export interface AlertsChangedEvent {
  firing: number;
  at: number;
}

export interface AttachedAlerts {
  store: AlertStore;
  /** Every kind's rule: saved, or its default. */
  rules(): AlertRule[];
  /** Checks and saves the rules (AlertRulesError when wrong), audited; re-evaluates at once. */
  saveRules(rules: unknown, actor: string): AlertRule[];
  list(query: { states?: readonly AlertState[]; limit: number }): AlertsView;
  ack(ids: readonly string[], actor: string, comment?: string): AckResult;
  /** One evaluation round now (the timer runs them too). */
  evaluate(): void;
  onChanged(listener: (e: AlertsChangedEvent) => void): () => void;
  onNotice(listener: (n: AlertNotice) => void): () => void;
  close(): void;
}

/** What of the core the alerts read: a test may stand in for it. */
export type AlertsCore = Pick<ConsoleCore, 'connectionStatus' | 'rejects' | 'onResults'> & {
  fleet: Pick<ConsoleCore['fleet'], 'snapshot'>;
};

export interface AlertsDeps {
  /** The drift view (session.inventory); none: no drift alerts. */
  objects?: () => ObjectsView;
  /** Events after which a round runs soon (the inventory changed, the connection moved); each returns its off. */
  triggers?: readonly ((listener: () => void) => () => void)[];
  pools?: PoolFacts;
  ha?: HaFacts;
  certs?: CertFacts;
}

export interface AlertsOptions {
  log?: LogSink;
  now?: () => number;
  intervalMs?: number;
  changedIntervalMs?: number;
  /** The IPAM profile's name, on audit entries. */
  profile?: string;
}

interface Tracked {
  rule: AlertRuleKind;
  subject: string;
  state: ConditionState;
  /** The open alert's id while one is out. */
  alertId?: string;
}

const keyOf = (rule: string, subject: string) => `${rule}\u0000${subject}`;

/**
 * Evaluates the profile's alert rules against what the console knows (docs/alerts.md): every
 * `intervalMs` and soon after an event, each (rule, subject) through the pure machine
 * (src-shared/alerts/machine.ts), its effects written to the AlertStore, notices throttled per rule
 * (src-shared/alerts/notices.ts). Alerts open in the database at start are picked up, not raised again.
 */
export function attachAlerts(
  core: AlertsCore,
  db: Db,
  deps: AlertsDeps = {},
  opts: AlertsOptions = {},
): AttachedAlerts {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const store = new AlertStore(db, opts.profile ?? '');
  const emitter = new TypedEmitter<{ changed: AlertsChangedEvent; notice: AlertNotice }>({
    onError: (event, e) => log({ level: 'error', msg: `${event} listener failed`, error: String(e) }),
  });
  const tracked = new Map<string, Tracked>();
  for (const a of store.open()) {
    tracked.set(keyOf(a.rule, a.subject), {
      rule: a.rule,
      subject: a.subject,
      state: { kind: 'firing', since: a.firedAt, value: a.value },
      alertId: a.id,
    });
  }
  const outcomes = new Map<string, DeliveryOutcome>();
  const rejects = new RejectWindow();
  let notices: NoticeState = initialNotices;
  let closed = false;

  const rules = (): AlertRule[] => effectiveRules(store.savedRules() ?? []);

  const gather = (t: number): Finding[] => {
    const sources: [string, () => Finding[]][] = [
      ['fleet', () => fleetFindings(core.fleet.snapshot(t).remotes, t, startedAt)],
      ['drift', () => (deps.objects ? driftFindings(deps.objects(), t) : [])],
      ['deliveries', () => deliveryFindings(outcomes.values(), t)],
      ['broker', () => failoverFindings(core.connectionStatus(), t)],
      ['inbound guard', () => rejects.findings(core.rejects(), t)],
      ['pools', () => poolFindings((deps.pools ?? noFacts)(), t)],
      ['ha', () => haFindings((deps.ha ?? noFacts)(), t)],
      ['certificates', () => certFindings((deps.certs ?? noFacts)(), t)],
    ];
    return sources.flatMap(([what, f]) => {
      try {
        return f();
      } catch (e) {
        log({ level: 'warn', msg: `alerts: the ${what} findings failed this round`, error: errorText(e) });
        return [];
      }
    });
  };

  let lastChanged = -Infinity;
  let changedTimer: NodeJS.Timeout | undefined;
  const changedInterval = opts.changedIntervalMs ?? DEFAULT_CHANGED_INTERVAL_MS;
  /** The count last told: an acknowledgement by `smt ack` (another process) shows as a change here. */
  let toldFiring: number | undefined;
  const fireChanged = () => {
    lastChanged = now();
    toldFiring = store.firingCount();
    emitter.emit('changed', { firing: toldFiring, at: lastChanged });
  };
  const changed = () => {
    if (closed || changedTimer !== undefined) return;
    const wait = lastChanged + changedInterval - now();
    if (wait <= 0) return fireChanged();
    changedTimer = setTimeout(() => {
      changedTimer = undefined;
      if (!closed) fireChanged();
    }, wait);
    changedTimer.unref();
  };

  const evaluate = () => {
    if (closed) return;
    const t = now();
    let moved = false;
    const fired: FiredAlert[] = [];
    try {
      const byKind = new Map(rules().map((r) => [r.kind, r]));
      const seen = new Set<string>();
      const apply = (tr: Tracked, f: Finding | undefined, rule: AlertRule | undefined) => {
        const obs = f && rule?.enabled ? f.obs : { kind: 'gone' as const, at: t };
        // A vanished subject or a rule switched off resolves whatever the params: the default's will do.
        const step = transition(ruleParams(rule ?? defaultAlertRules[tr.rule]), tr.state, obs);
        tr.state = step.state;
        const e = step.effect;
        if (e.kind === 'fire' && f && rule) {
          const { alert, created } = store.fire({
            rule: f.rule,
            subject: f.subject,
            remoteId: f.remoteId,
            severity: rule.severity,
            message: f.message,
            value: e.value,
            at: t,
          });
          tr.alertId = alert.id;
          if (created) {
            moved = true;
            fired.push({ id: alert.id, rule: f.rule, subject: f.subject, message: f.message });
          }
        } else if (e.kind === 'update' && f && tr.alertId) {
          store.update(tr.alertId, e.value, f.message);
        } else if (e.kind === 'resolve' && tr.alertId) {
          if (store.resolve(tr.alertId, t)) moved = true;
          delete tr.alertId;
        }
        if (tr.state.kind === 'ok' && tr.alertId === undefined) tracked.delete(keyOf(tr.rule, tr.subject));
      };
      db.transaction(() => {
        for (const f of gather(t)) {
          const key = keyOf(f.rule, f.subject);
          if (seen.has(key)) continue;
          seen.add(key);
          const rule = byKind.get(f.rule);
          let tr = tracked.get(key);
          if (tr === undefined) {
            if (!rule?.enabled || f.obs.kind === 'gone') continue;
            tr = { rule: f.rule, subject: f.subject, state: initialState };
            tracked.set(key, tr);
          }
          apply(tr, f, rule);
        }
        // A rule switched off resolves what it raised.
        for (const [key, tr] of tracked) {
          if (!seen.has(key) && !byKind.get(tr.rule)?.enabled) apply(tr, undefined, undefined);
        }
      }).immediate();
      for (const [k, o] of outcomes) if (!o.failed) outcomes.delete(k);
    } catch (e) {
      log({ level: 'error', msg: 'alerts could not be evaluated', error: errorText(e) });
    }
    const step = takeNotices(notices, fired, t);
    notices = step.state;
    for (const n of step.notices) emitter.emit('notice', n);
    if (moved || (toldFiring !== undefined && store.firingCount() !== toldFiring)) changed();
  };

  let settleTimer: NodeJS.Timeout | undefined;
  const soon = () => {
    if (closed || settleTimer !== undefined) return;
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      evaluate();
    }, SETTLE_MS);
    settleTimer.unref();
  };

  const offResults = core.onResults((rs) => {
    let failed = false;
    for (const r of rs) {
      const s = r.body.state;
      if (s !== 'applied' && s !== 'failed' && s !== 'rolled-back') continue;
      const object = r.body.object ? objectKey(r.body.object) : r.body.ref;
      const key = `${r.from}\u0000${object}`;
      outcomes.delete(key);
      outcomes.set(key, {
        remoteId: r.from,
        object,
        failed: s !== 'applied',
        reason:
          s === 'applied'
            ? 'applied'
            : `${s === 'failed' ? 'failed' : 'was rolled back'}${r.body.reason ? `: ${r.body.reason}` : ''}`,
        pushId: r.body.pushId ?? null,
      });
      failed ||= s !== 'applied';
    }
    while (outcomes.size > MAX_OUTCOMES) outcomes.delete(outcomes.keys().next().value as string);
    if (failed) soon();
  });
  const offTriggers = (deps.triggers ?? []).map((on) => on(soon));
  const timer = setInterval(evaluate, opts.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();

  return {
    store,
    rules,
    saveRules: (input, actor) => {
      const checked = checkAlertRules(input);
      store.saveRules(checked, actor, now(), opts.profile);
      evaluate();
      return rules();
    },
    list: ({ states, limit }) => ({
      alerts: store.list(states ?? ['firing', 'acknowledged'], limit),
      firing: store.firingCount(),
      generatedAt: now(),
    }),
    ack: (ids, actor, comment) => {
      const out = store.ack(ids, actor, comment, now(), opts.profile);
      if (out.acknowledged.length > 0) changed();
      return out;
    },
    evaluate,
    onChanged: (l) => emitter.on('changed', l),
    onNotice: (l) => emitter.on('notice', l),
    close: () => {
      closed = true;
      offResults();
      offTriggers.forEach((off) => off());
      clearInterval(timer);
      clearTimeout(settleTimer);
      clearTimeout(changedTimer);
    },
  };
}
