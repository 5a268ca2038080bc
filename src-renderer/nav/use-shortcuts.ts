import { useContext, useEffect } from 'react';
import { StoreContext } from '../store/react';
import {
  alertsRoute,
  auditRoute,
  poolsRoute,
  brokerRoute,
  dnsRoute,
  draftsRoute,
  fleetRoute,
  objectsRoute,
  leasesRoute,
  profilesRoute,
  pushRoute,
} from './route';
import { idleKeys, isTyping, pressKey, type KeyState } from './shortcuts';

/** Listens on the document once; actions go through the store like any click. */
export function useShortcuts(): void {
  const store = useContext(StoreContext);
  useEffect(() => {
    if (!store) return;
    let state: KeyState = idleKeys;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTyping(e.target) && e.key !== 'Escape') return;
      const r = pressKey(state, e.key, e.timeStamp);
      state = r.state;
      const s = store.getState();
      switch (r.action) {
        case 'go-fleet':
          s.navigate(fleetRoute);
          break;
        case 'go-push':
          s.navigate(pushRoute);
          break;
        case 'go-drafts':
          s.navigate(draftsRoute);
          break;
        case 'go-objects':
          s.navigate(objectsRoute);
          break;
        case 'go-audit':
          s.navigate(auditRoute);
          break;
        case 'go-pools':
          s.navigate(poolsRoute);
          break;
        case 'go-alerts':
          s.navigate(alertsRoute);
          break;
        case 'go-broker':
          s.navigate(brokerRoute);
          break;
        case 'go-leases':
          s.navigate(leasesRoute);
          break;
        case 'go-profiles':
          s.navigate(profilesRoute);
          break;
        case 'go-dns':
          s.navigate(dnsRoute);
          break;
        case 'focus-search': {
          // The audit trail, Zones & Scopes and the alerts have searches of their own; elsewhere "/" searches
          // the fleet.
          if (!['audit', 'objects', 'alerts'].includes(s.route.screen)) s.navigate(fleetRoute);
          // The search field exists once the fleet screen rendered.
          requestAnimationFrame(() =>
            document.querySelector<HTMLInputElement>('input[type="search"]')?.focus(),
          );
          e.preventDefault();
          break;
        }
        case 'help':
          s.setHelpOpen(true);
          break;
        case 'back':
          if (s.helpOpen) break;
          if (s.route.screen === 'remote') s.navigate(fleetRoute);
          else if (s.route.screen === 'push' && s.route.pushId !== null) s.navigate(pushRoute);
          else if (s.route.screen === 'objects' && s.route.key !== undefined) s.navigate(objectsRoute);
          break;
        case undefined:
          break;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);
}
