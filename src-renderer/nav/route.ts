import { DraftId } from '../../src-shared/ipc/draft-views';
import { ObjectKey } from '../../src-shared/ipc/inventory-views';
import { MessageId, RemoteId } from '../../src-shared/protocol';

/**
 * Where the admin is, kept in the URL's hash (#/remote/r-0001) so a reload, the back button and a bookmark
 * land on the same screen. Hash changes never leave the page, which the Electron shell requires.
 */
export type Route =
  | { screen: 'fleet' }
  | { screen: 'remote'; remoteId: string }
  /** `pushId`: one push's live progress; null: compose a push and the recent pushes. */
  | { screen: 'push'; pushId: string | null }
  /** The drafts list, with one draft open (`new` for one not saved yet) or none. */
  | { screen: 'drafts'; draftId?: string }
  /** Zones & Scopes, with one object (its key, zone:… or scope:…) open or none. */
  | { screen: 'objects'; key?: string }
  | { screen: 'audit' }
  /** DHCP Pools fleet-wide, fullest first (issue 17). */
  | { screen: 'pools' }
  /** Fleet-wide alerts and their rules (docs/alerts.md). */
  | { screen: 'alerts' }
  | { screen: 'broker' }
  | { screen: 'profiles' }
  /** DNS → Find a name (docs/dns.md). */
  | { screen: 'dns' }
  /** Lease search across the DHCP remotes (docs/dhcp.md). */
  | { screen: 'leases' };
export type Screen = Route['screen'];

export const fleetRoute: Route = { screen: 'fleet' };
export const pushRoute: Route = { screen: 'push', pushId: null };
export const draftsRoute: Route = { screen: 'drafts' };
export const objectsRoute: Route = { screen: 'objects' };
export const auditRoute: Route = { screen: 'audit' };
export const poolsRoute: Route = { screen: 'pools' };
export const alertsRoute: Route = { screen: 'alerts' };
export const brokerRoute: Route = { screen: 'broker' };
export const profilesRoute: Route = { screen: 'profiles' };
export const dnsRoute: Route = { screen: 'dns' };
export const leasesRoute: Route = { screen: 'leases' };

/** Anything that is not a known route is the fleet: a stale bookmark must not show a blank page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'remote' && parts.length === 2) {
    const id = RemoteId.safeParse(parts[1]);
    if (id.success) return { screen: 'remote', remoteId: id.data };
  }
  if (parts[0] === 'push' && parts.length === 1) return pushRoute;
  if (parts[0] === 'push' && parts.length === 2) {
    const id = MessageId.safeParse(parts[1]);
    if (id.success) return { screen: 'push', pushId: id.data };
  }
  if (parts.length === 1 && parts[0] === 'audit') return auditRoute;
  if (parts.length === 1 && parts[0] === 'pools') return poolsRoute;
  if (parts.length === 1 && parts[0] === 'alerts') return alertsRoute;
  if (parts.length === 1 && parts[0] === 'broker') return brokerRoute;
  if (parts[0] === 'drafts' && parts.length === 1) return draftsRoute;
  if (parts[0] === 'drafts' && parts.length === 2) {
    if (parts[1] === 'new') return { screen: 'drafts', draftId: 'new' };
    const id = DraftId.safeParse(parts[1]);
    if (id.success) return { screen: 'drafts', draftId: id.data };
  }
  if (parts[0] === 'objects' && parts.length === 1) return objectsRoute;
  if (parts[0] === 'objects' && parts.length === 2) {
    const key = ObjectKey.safeParse(parts[1]);
    if (key.success) return { screen: 'objects', key: key.data };
  }
  if (parts[0] === 'profiles' && parts.length === 1) return profilesRoute;
  if (parts[0] === 'dns' && parts.length === 1) return dnsRoute;
  if (parts[0] === 'leases' && parts.length === 1) return leasesRoute;
  return fleetRoute;
}

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'fleet':
      return '#/fleet';
    case 'remote':
      return `#/remote/${encodeURIComponent(route.remoteId)}`;
    case 'push':
      return route.pushId === null ? '#/push' : `#/push/${route.pushId}`;
    case 'audit':
      return '#/audit';
    case 'pools':
      return '#/pools';
    case 'alerts':
      return '#/alerts';
    case 'broker':
      return '#/broker';
    case 'drafts':
      return route.draftId === undefined ? '#/drafts' : `#/drafts/${encodeURIComponent(route.draftId)}`;
    case 'objects':
      return route.key === undefined ? '#/objects' : `#/objects/${encodeURIComponent(route.key)}`;
    case 'profiles':
      return '#/profiles';
    case 'dns':
      return '#/dns';
    case 'leases':
      return '#/leases';
  }
}

export const sameRoute = (a: Route, b: Route): boolean => formatRoute(a) === formatRoute(b);
