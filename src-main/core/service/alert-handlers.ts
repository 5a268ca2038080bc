import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

type AlertCall = 'listAlerts' | 'ackAlerts' | 'getAlertRules' | 'saveAlertRules';

/** Alerts (docs/alerts.md). */
export const alertHandlers = (session: () => ProfileSession): HandlersOf<AlertCall> => {
  const notYet = (): never => {
    session();
    throw new CallError('unavailable', 'Alerts are not available in this build.');
  };
  return { listAlerts: notYet, ackAlerts: notYet, getAlertRules: notYet, saveAlertRules: notYet };
};
