import {
  alertsRoute,
  auditRoute,
  brokerRoute,
  dnsRoute,
  draftsRoute,
  fleetRoute,
  formatRoute,
  leasesRoute,
  objectsRoute,
  poolsRoute,
  profilesRoute,
  pushRoute,
  type Route,
  type Screen,
} from '../nav/route';
import { useSmt } from '../store/react';
import { ThemeSwitch } from './ThemeSwitch';

const items: { screen: Screen; route: Route; label: string; keys: string; icon: string }[] = [
  {
    screen: 'fleet',
    route: fleetRoute,
    label: 'Fleet',
    keys: 'g f',
    icon: 'M2 3h12v3H2zM2 7h12v3H2zM2 11h12v3H2z',
  },
  {
    screen: 'push',
    route: pushRoute,
    label: 'Push',
    keys: 'g p',
    icon: 'M8 1l5 5h-3v5H6V6H3zM2 13h12v2H2z',
  },
  {
    screen: 'drafts',
    route: draftsRoute,
    label: 'Drafts',
    keys: 'g d',
    icon: 'M3 1h7l3 3v11H3zM5 7h6v1.5H5zM5 10h6v1.5H5z',
  },
  {
    screen: 'objects',
    route: objectsRoute,
    label: 'Zones',
    keys: 'g z',
    // Two stacked records, one marked: intended against served.
    icon: 'M2 2h12v5H2zm2 2v1h5V4zM2 9h12v5H2zm2 2v1h5v-1zm7-.5a1 1 0 1 0 0 2 1 1 0 0 0 0-2z',
  },
  {
    screen: 'dns',
    route: dnsRoute,
    label: 'DNS',
    keys: 'g n',
    // A magnifier: find a name across the fleet.
    icon: 'M6.5 1a5.5 5.5 0 0 1 4.4 8.8l4 4-1.4 1.4-4-4A5.5 5.5 0 1 1 6.5 1zm0 2a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z',
  },
  {
    screen: 'leases',
    route: leasesRoute,
    label: 'Leases',
    keys: 'g l',
    // A magnifier over a row: a lease looked up.
    icon: 'M6.5 1a4.5 4.5 0 013.6 7.2l3.4 3.4-1.1 1.1-3.4-3.4A4.5 4.5 0 116.5 1zm0 1.5a3 3 0 100 6 3 3 0 000-6zM1 13h8v1.5H1z',
  },
  {
    screen: 'pools',
    route: poolsRoute,
    label: 'Pools',
    keys: 'g o',
    // A bar two-thirds full: a pool's utilisation.
    icon: 'M1 5h14v6H1zm1.5 1.5v3h7v-3z',
  },
  {
    screen: 'alerts',
    route: alertsRoute,
    label: 'Alerts',
    keys: 'g e',
    // A bell.
    icon: 'M8 1a1 1 0 0 1 1 1v.6A4.5 4.5 0 0 1 12.5 7v3.5L14 12v1H2v-1l1.5-1.5V7A4.5 4.5 0 0 1 7 2.6V2a1 1 0 0 1 1-1zM6.5 14h3a1.5 1.5 0 0 1-3 0z',
  },
  {
    screen: 'broker',
    route: brokerRoute,
    label: 'Broker',
    keys: 'g b',
    icon: 'M1 6h4v4H1zM11 1h4v4h-4zM11 11h4v4h-4zM5 7.5h3V3h3v1.5H9.5v7H11V13H8V8.5H5z',
  },
  {
    screen: 'audit',
    route: auditRoute,
    label: 'Audit',
    keys: 'g a',
    icon: 'M3 1h7l3 3v11H3zM5 6h6v1.5H5zM5 9h6v1.5H5zM5 12h4v1.5H5z',
  },
  {
    screen: 'profiles',
    route: profilesRoute,
    label: 'Profiles',
    keys: 'g i',
    // A key: the IPAMs' certificates.
    icon: 'M5 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zm0 2a1 1 0 1 0 0 2 1 1 0 0 0 0-2zm3 1h7v2h-1v2h-2V9h-1v1H9V9H8z',
  },
];

/**
 * Plain links to each screen (the hash is the route): they work with a keyboard and a screen reader as is.
 * The theme switch sits at the rail's foot, where the connection bar's one line has no room for it.
 */
export function NavRail() {
  const screen = useSmt((s) => s.route.screen);
  const offline = useSmt((s) => s.counts.offline);
  const drifted = useSmt((s) => s.driftedRemotes);
  const firing = useSmt((s) => s.alertsFiring);
  return (
    <div className="rail">
      <nav className="rail-nav" aria-label="Screens">
        {items.map((item) => {
          // A remote's screen belongs to the fleet.
          const current = screen === item.screen || (item.screen === 'fleet' && screen === 'remote');
          return (
            <a
              key={item.screen}
              href={formatRoute(item.route)}
              aria-current={current ? 'page' : undefined}
              aria-keyshortcuts={item.keys.replace(' ', '+')}
              title={`${item.screen === 'objects' ? 'Zones & Scopes' : item.label} (${item.keys})`}
              className="rail-item"
            >
              <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
                <path d={item.icon} fillRule="evenodd" />
              </svg>
              <span>{item.label}</span>
              {item.screen === 'fleet' && offline > 0 && (
                <span className="rail-badge num" aria-label={`${offline} offline`}>
                  {offline}
                </span>
              )}
              {item.screen === 'objects' && drifted > 0 && (
                <span
                  className="rail-badge num"
                  aria-label={`${drifted} remote${drifted === 1 ? '' : 's'} drifted`}
                  data-testid="drift-badge"
                >
                  {drifted}
                </span>
              )}
              {item.screen === 'alerts' && firing > 0 && (
                <span className="rail-badge num" aria-label={`${firing} firing`}>
                  {firing}
                </span>
              )}
            </a>
          );
        })}
      </nav>
      <ThemeSwitch />
    </div>
  );
}
