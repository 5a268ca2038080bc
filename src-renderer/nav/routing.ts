import type { SmtStore } from '../store';
import { formatRoute, parseRoute, sameRoute } from './route';

/**
 * Keeps the store's route and the URL's hash in step both ways: links are plain `href="#/…"` anchors
 * (keyboard and screen-reader friendly, no click handlers), and a route set in the store shows in the URL.
 */
export function startRouting(store: SmtStore, win: Window = window): () => void {
  const fromHash = () => store.getState().navigate(parseRoute(win.location.hash));
  fromHash();
  win.addEventListener('hashchange', fromHash);
  const off = store.subscribe(
    (s) => s.route,
    (route) => {
      if (!sameRoute(parseRoute(win.location.hash), route)) win.location.hash = formatRoute(route);
    },
  );
  return () => {
    win.removeEventListener('hashchange', fromHash);
    off();
  };
}
