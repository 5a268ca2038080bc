import { AlertRulesError } from '../../../src-shared/alerts/rules';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

type AlertCall = 'listAlerts' | 'ackAlerts' | 'getAlertRules' | 'saveAlertRules';

/** Alerts (docs/alerts.md): the session's evaluator and store; acknowledgements and rule changes audited. */
export const alertHandlers = (
  session: () => ProfileSession,
  opts: { actor: string },
): HandlersOf<AlertCall> => ({
  listAlerts: (query) => session().alerts.list(query),
  ackAlerts: (request) => session().alerts.ack(request.ids, opts.actor, request.comment || undefined),
  getAlertRules: () => session().alerts.rules(),
  saveAlertRules: (rules) => {
    try {
      return session().alerts.saveRules(rules, opts.actor);
    } catch (e) {
      if (e instanceof AlertRulesError) throw new CallError('bad-request', e.message);
      throw e;
    }
  },
});
