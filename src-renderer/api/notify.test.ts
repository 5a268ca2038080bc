import { describe, expect, it } from 'vitest';
import type { AlertNotice } from '../../src-shared/ipc/alert-views';
import { browserNotifier, startNotices } from './notify';

function stub(permission: NotificationPermission) {
  const raised: { title: string; body?: string }[] = [];
  const N = class {
    static permission = permission;
    static requestPermission = async () => {
      N.permission = 'granted';
      return N.permission;
    };
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      raised.push({ title, body: options?.body });
    }
    close() {}
  };
  return { N: N as unknown as typeof Notification, raised };
}

const notice: AlertNotice = { title: 'r-0003 offline', body: 'silent 40 s', alertIds: ['a-1'], at: 1 };

describe('the page’s notifier (browser host)', () => {
  it('raises each notice once when granted, through the browser’s Notification', () => {
    const { N, raised } = stub('granted');
    let listener: ((n: AlertNotice) => void) | undefined;
    const off = startNotices(
      {
        onAlertNotice: (l) => {
          listener = l;
          return () => (listener = undefined);
        },
      },
      browserNotifier(N),
      () => undefined,
    );
    listener?.(notice);
    expect(raised).toEqual([{ title: 'r-0003 offline', body: 'silent 40 s' }]);
    off();
    expect(listener).toBeUndefined();
  });

  it('raises nothing when denied or not yet asked, and asks only when told to', async () => {
    const denied = stub('denied');
    expect(browserNotifier(denied.N).show(notice, () => undefined)).toBe(false);
    expect(denied.raised).toEqual([]);
    const asked = stub('default');
    const n = browserNotifier(asked.N);
    expect(n.show(notice, () => undefined)).toBe(false);
    expect(await n.request()).toBe('granted');
    expect(n.show(notice, () => undefined)).toBe(true);
    expect(browserNotifier(undefined).permission()).toBe('unsupported');
  });
});
