import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../host/testing/fake-backend';
import { forwardNotices, type NativeNotification } from './notifications';

function fakeNotifications(supported = true) {
  const shown: { title: string; body: string; click: () => void }[] = [];
  const Notification = class implements NativeNotification {
    static isSupported = () => supported;
    private click: () => void = () => undefined;
    constructor(private readonly options: { title: string; body: string }) {}
    on(_event: 'click', l: () => void) {
      this.click = l;
      return this;
    }
    show() {
      shown.push({ ...this.options, click: () => this.click() });
    }
  };
  return { Notification, shown };
}

const notice = { title: 'r-0003 offline', body: 'silent for 30 s', alertIds: ['a-1'], at: 1 };

describe('native alert notifications (Electron main)', () => {
  it('shows each notice once, natively, and a click brings the window forward', () => {
    const backend = new FakeBackend();
    const { Notification, shown } = fakeNotifications();
    let focused = 0;
    const off = forwardNotices({ backend, Notification, focus: () => focused++, log: () => undefined });
    backend.emit('alertNotice', notice);
    expect(shown.map(({ title, body }) => ({ title, body }))).toEqual([
      { title: 'r-0003 offline', body: 'silent for 30 s' },
    ]);
    shown[0]?.click();
    expect(focused).toBe(1);
    off();
    backend.emit('alertNotice', notice);
    expect(shown).toHaveLength(1);
    expect(backend.listenerCount('alertNotice')).toBe(0);
  });

  it('logs and drops a notice where the OS has no notifications', () => {
    const backend = new FakeBackend();
    const { Notification, shown } = fakeNotifications(false);
    const logs: string[] = [];
    forwardNotices({ backend, Notification, focus: () => undefined, log: (l) => logs.push(l) });
    backend.emit('alertNotice', notice);
    expect(shown).toEqual([]);
    expect(logs).toEqual(['notifications: not supported here; dropped "r-0003 offline"']);
  });
});
