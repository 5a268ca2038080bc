import { RemoteId } from '../../src-shared/protocol';

/**
 * Where the admin is, kept in the URL's hash (#/remote/r-0001) so a reload, the back button and a bookmark
 * land on the same screen. Hash changes never leave the page, which the Electron shell requires.
 */
export type Route = { screen: 'fleet' } | { screen: 'remote'; remoteId: string } | { screen: 'profiles' };
export type Screen = Route['screen'];

export const fleetRoute: Route = { screen: 'fleet' };
export const profilesRoute: Route = { screen: 'profiles' };

/** Anything that is not a known route is the fleet: a stale bookmark must not show a blank page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'remote' && parts.length === 2) {
    const id = RemoteId.safeParse(parts[1]);
    if (id.success) return { screen: 'remote', remoteId: id.data };
  }
  if (parts[0] === 'profiles' && parts.length === 1) return profilesRoute;
  return fleetRoute;
}

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'fleet':
      return '#/fleet';
    case 'remote':
      return `#/remote/${encodeURIComponent(route.remoteId)}`;
    case 'profiles':
      return '#/profiles';
  }
}

export const sameRoute = (a: Route, b: Route): boolean => formatRoute(a) === formatRoute(b);
