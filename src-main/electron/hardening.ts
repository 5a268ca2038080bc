import type { App, Session, WebContents } from 'electron';

type SessionLike = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> & { webRequest: Pick<Session['webRequest'], 'onHeadersReceived'> };

/**
 * The console needs no camera, notifications, clipboard, HID or anything else a page may ask for: every
 * request and check is refused, and every response carries the shell's CSP.
 */
export function lockDownSession(ses: SessionLike): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    // A literal (equal to app-protocol's shellCsp, a test keeps them so) so that the electronegativity
    // scan evaluates the policy itself instead of reporting a CSP it cannot read.
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'none'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
        ],
      },
    });
  });
}

type ContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Every webContents the app ever creates, ours or not, may not navigate, redirect, open windows or attach
 * a <webview>: the renderer is a single page and links to the outside are not followed.
 */
export function guardWebContents(app: Pick<App, 'on'>, log: (line: string) => void): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents, log));
}

export function guardContents(contents: ContentsLike, log: (line: string) => void): void {
  const refuse = (what: string) => (event: { preventDefault(): void }, url?: string) => {
    event.preventDefault();
    log(`refused ${what}${url ? ` to ${url}` : ''}`);
  };
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-frame-navigate', refuse('frame navigation'));
  contents.on('will-redirect', refuse('redirect'));
  contents.on('will-attach-webview', (event, _preferences, params) => refuse('a webview')(event, params.src));
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused a new window to ${url}`);
    return { action: 'deny' };
  });
}
