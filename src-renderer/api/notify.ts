import { createContext, useContext } from 'react';
import type { AlertNotice } from '../../src-shared/ipc/alert-views';
import type { SmtApi } from '../../src-shared/ipc';
import type { NotifyPermission } from '../store/alerts-slice';

/**
 * The page's one way to raise a desktop notification (docs/alerts.md, "The Alerts screen and
 * notifications"). Under Electron the main process raises them natively and the page only reports
 * `native`; under the browser host the browser's Notification does. An e2e test observes the browser port
 * by stubbing `window.Notification` in an init script.
 */
export interface Notifier {
  permission(): NotifyPermission;
  /** Asks the browser once; must be called from a user gesture (a click), or browsers ignore it. */
  request(): Promise<NotifyPermission>;
  /** Raises one notification; false when this page may not. */
  show(notice: AlertNotice, onClick: () => void): boolean;
}

/** Electron: main.ts raises notices natively, so the page must not raise them a second time. */
export const nativeNotifier: Notifier = {
  permission: () => 'native',
  request: async () => 'native',
  show: () => false,
};

type NotificationClass = typeof Notification;

export function browserNotifier(N: NotificationClass | undefined): Notifier {
  if (N === undefined) {
    return { permission: () => 'unsupported', request: async () => 'unsupported', show: () => false };
  }
  return {
    permission: () => N.permission,
    request: async () => {
      if (N.permission !== 'default') return N.permission;
      try {
        return await N.requestPermission();
      } catch {
        // An old browser's callback-only requestPermission, or one refusing outside a gesture.
        return N.permission;
      }
    },
    show: (notice, onClick) => {
      if (N.permission !== 'granted') return false;
      // One tag per notice's alerts: the browser replaces rather than stacks a repeat of the same notice.
      const n = new N(notice.title, { body: notice.body, tag: notice.alertIds.join(',') || undefined });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
      return true;
    },
  };
}

/** Electron's preload exposes window.smt; the browser host's page has none. */
export function pageNotifier(win: Window & typeof globalThis = window): Notifier {
  return win.smt ? nativeNotifier : browserNotifier(win.Notification);
}

/** Raises each `alertNotice` through the notifier; a click opens the Alerts screen. */
export function startNotices(
  api: Pick<SmtApi, 'onAlertNotice'>,
  notifier: Notifier,
  openAlerts: () => void,
): () => void {
  return api.onAlertNotice((notice) => {
    notifier.show(notice, openAlerts);
  });
}

const unsupported = browserNotifier(undefined);

/** The page's notifier for the Alerts screen (permission, the polite ask); tests provide a fake. */
export const NotifierContext = createContext<Notifier>(unsupported);

export const useNotifier = (): Notifier => useContext(NotifierContext);
