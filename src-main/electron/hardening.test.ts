import type { App, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { shellCsp } from './app-protocol';
import { guardContents, guardDownloads, guardWebContents, lockDownSession } from './hardening';

type Listener = (...args: unknown[]) => unknown;

/** A session that records the handlers the shell installs, to call them as Chromium would. */
function stubSession() {
  const h: Record<string, Listener> = {};
  const ses = {
    setPermissionRequestHandler: (l: Listener) => (h.request = l),
    setPermissionCheckHandler: (l: Listener) => (h.check = l),
    setDevicePermissionHandler: (l: Listener) => (h.device = l),
    webRequest: { onHeadersReceived: (l: Listener) => (h.headers = l) },
  };
  // The stub has only the members lockDownSession uses.
  lockDownSession(ses as unknown as Parameters<typeof lockDownSession>[0]);
  return h;
}

function stubContents() {
  const on = new Map<string, Listener>();
  let openHandler: Listener | null = null;
  const contents = {
    on: (name: string, l: Listener) => on.set(name, l),
    setWindowOpenHandler: (l: Listener) => (openHandler = l),
  };
  const logs: string[] = [];
  guardContents(contents as unknown as WebContents, (l) => logs.push(l));
  const fire = (name: string, ...rest: unknown[]) => {
    let prevented = false;
    const l = on.get(name);
    if (!l) throw new Error(`no ${name} listener`);
    l({ preventDefault: () => (prevented = true) }, ...rest);
    return prevented;
  };
  return { fire, open: (url: string) => openHandler?.({ url }), logs };
}

describe('session lock-down', () => {
  it('refuses every permission request, check and device', () => {
    const h = stubSession();
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      let granted: boolean | null = null;
      h.request?.({}, permission, (g: boolean) => (granted = g), {});
      expect(granted).toBe(false);
      expect(h.check?.({}, permission, 'app://console', {})).toBe(false);
    }
    expect(h.device?.({ deviceType: 'hid', origin: 'app://console' })).toBe(false);
  });

  it("puts the shell's CSP on every response, replacing one a response brings", () => {
    const h = stubSession();
    let result: { responseHeaders: Record<string, string[]> } | null = null;
    h.headers?.(
      { responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': ['default-src *'] } },
      (r: typeof result) => (result = r),
    );
    expect(result).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [shellCsp] },
    });
    expect(shellCsp).toContain("script-src 'self'");
    expect(shellCsp).toContain("connect-src 'none'");
    expect(shellCsp).toContain("object-src 'none'");
  });
});

describe('webContents guard', () => {
  it('prevents navigation, frame navigation, redirects and webviews, and says so', () => {
    const c = stubContents();
    expect(c.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-frame-navigate', 'https://evil.example/frame')).toBe(true);
    expect(c.fire('will-redirect', 'https://evil.example/r')).toBe(true);
    expect(c.fire('will-attach-webview', {}, { src: 'https://evil.example/wv' })).toBe(true);
    expect(c.logs).toEqual([
      'refused navigation to https://evil.example/',
      'refused frame navigation to https://evil.example/frame',
      'refused redirect to https://evil.example/r',
      'refused a webview to https://evil.example/wv',
    ]);
  });

  it('denies every window.open', () => {
    const c = stubContents();
    expect(c.open('https://evil.example/popup')).toEqual({ action: 'deny' });
    expect(c.open('app://console/index.html')).toEqual({ action: 'deny' });
  });

  it('guards every webContents the app creates, not only the main window', () => {
    const created = new Map<string, Listener>();
    const app = { on: (name: string, l: Listener) => created.set(name, l) };
    guardWebContents(app as unknown as App, () => undefined);
    const names: string[] = [];
    let denied = false;
    const contents = {
      on: (name: string) => names.push(name),
      setWindowOpenHandler: () => (denied = true),
    };
    created.get('web-contents-created')?.({}, contents);
    expect(names.sort()).toEqual([
      'will-attach-webview',
      'will-frame-navigate',
      'will-navigate',
      'will-redirect',
    ]);
    expect(denied).toBe(true);
  });
});

describe('downloads', () => {
  function download(url: string, filename: string) {
    let listener: Listener | null = null;
    const logs: string[] = [];
    guardDownloads({ on: (_name: string, l: Listener) => (listener = l) } as never, (l) => logs.push(l));
    let prevented = false;
    let dialog: unknown = null;
    const item = {
      getURL: () => url,
      getFilename: () => filename,
      setSaveDialogOptions: (o: unknown) => (dialog = o),
    };
    (listener as Listener | null)?.({ preventDefault: () => (prevented = true) }, item);
    return { prevented, dialog, logs };
  }

  it('lets the renderer save its own CSV, through the save dialog', () => {
    const d = download('blob:app://console/2f1c…', 'smt-audit-lab-20261125T070000Z.csv');
    expect(d.prevented).toBe(false);
    expect(d.dialog).toMatchObject({ filters: [{ extensions: ['csv'] }] });
  });

  it('refuses any other download and says so', () => {
    for (const [url, name] of [
      ['https://example.com/x.csv', 'x.csv'],
      ['blob:app://console/abc', 'run.sh'],
      ['blob:https://evil.example/abc', 'x.csv'],
      ['app://console/index.html', 'index.csv'],
    ] as const) {
      const d = download(url, name);
      expect(d.prevented, url).toBe(true);
      expect(d.logs[0]).toMatch(/^refused a download/);
    }
  });
});
