import { BRIDGE_PATH, type SmtApi } from '../../src-shared/ipc';
import { connectBridge } from './bridge-client';
import type { LinkSource, LinkState } from './link';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser, where the WebSocket bridge stands in. */
    smt?: SmtApi;
  }
}

/** Electron IPC has no link to lose: it lives and dies with the window. */
function ipcLink(): LinkSource {
  const state: LinkState = { kind: 'open', since: Date.now() };
  return { state: () => state, rejectedFrames: () => 0, onChange: () => () => undefined };
}

export function openApi(): { api: SmtApi; link: LinkSource } {
  if (window.smt) return { api: window.smt, link: ipcLink() };
  // The host has set the session cookie by now: keep the token out of the address bar, history and
  // screenshots; reloads and the bridge use the cookie.
  const here = new URL(window.location.href);
  if (here.searchParams.has('token')) {
    here.searchParams.delete('token');
    window.history.replaceState(null, '', here.pathname + here.search + here.hash);
  }
  const url = new URL(BRIDGE_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const bridge = connectBridge({ url: url.href });
  return { api: bridge.api, link: bridge.link };
}
