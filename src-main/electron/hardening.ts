import type { App, DownloadItem, Session, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol';

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

type DownloadSession = {
  on(
    event: 'will-download',
    listener: (event: { preventDefault(): void }, item: DownloadItem) => void,
  ): unknown;
};

/** The one download the console makes: the audit trail's CSV, built in the renderer as a blob: URL. */
const allowedDownload = new RegExp(`^blob:${APP_SCHEME}://${APP_HOST}/`);

/**
 * Downloads are refused but for the renderer's own blob: CSV (the audit export, docs/audit.md): a page
 * that somehow navigated elsewhere, or a link to a remote file, cannot drop files on the admin's disk.
 * The allowed one still goes through the save dialog, limited to .csv, so the admin picks where it goes.
 */
export function guardDownloads(ses: DownloadSession, log: (line: string) => void): void {
  ses.on('will-download', (event, item) => {
    const url = item.getURL();
    if (allowedDownload.test(url) && item.getFilename().toLowerCase().endsWith('.csv')) {
      item.setSaveDialogOptions({
        title: 'Save the audit export',
        defaultPath: item.getFilename(),
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      return;
    }
    event.preventDefault();
    log(`refused a download of ${item.getFilename()} from ${url.slice(0, 200)}`);
  });
}
