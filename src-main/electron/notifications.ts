import type { SmtBackend } from '../../src-shared/ipc';
import type { AlertNotice } from '../../src-shared/ipc/alert-views';

/** The few members of Electron's Notification this port uses (a fake in tests stands in for it). */
export interface NativeNotification {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}
export interface NativeNotificationClass {
  isSupported(): boolean;
  new (options: { title: string; body: string }): NativeNotification;
}

/**
 * Raises each `alertNotice` of the core as a native notification (docs/alerts.md): the page never raises
 * them under Electron (its Notification permission stays denied, hardening.ts). A click brings the window
 * forward. Notifications are held until clicked so the garbage collector cannot drop their click handler.
 */
export function forwardNotices(opts: {
  backend: Pick<SmtBackend, 'subscribe'>;
  Notification: NativeNotificationClass;
  focus: () => void;
  log: (line: string) => void;
}): () => void {
  const held = new Set<NativeNotification>();
  return opts.backend.subscribe('alertNotice', (notice: AlertNotice) => {
    if (!opts.Notification.isSupported()) {
      opts.log(`notifications: not supported here; dropped "${notice.title}"`);
      return;
    }
    const n = new opts.Notification({ title: notice.title, body: notice.body });
    held.add(n);
    n.on('click', () => {
      held.delete(n);
      opts.focus();
    });
    n.show();
  });
}
