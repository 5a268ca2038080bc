import { fleetRoute, formatRoute, profilesRoute, type Route, type Screen } from '../nav/route';
import { useSmt } from '../store/react';

const items: { screen: Screen; route: Route; label: string; keys: string; icon: string }[] = [
  {
    screen: 'fleet',
    route: fleetRoute,
    label: 'Fleet',
    keys: 'g f',
    icon: 'M2 3h12v3H2zM2 7h12v3H2zM2 11h12v3H2z',
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

/** Plain links to each screen (the hash is the route): they work with a keyboard and a screen reader as is. */
export function NavRail() {
  const screen = useSmt((s) => s.route.screen);
  const offline = useSmt((s) => s.counts.offline);
  return (
    <nav className="rail" aria-label="Screens">
      {items.map((item) => {
        // A remote's screen belongs to the fleet.
        const current = screen === item.screen || (item.screen === 'fleet' && screen === 'remote');
        return (
          <a
            key={item.screen}
            href={formatRoute(item.route)}
            aria-current={current ? 'page' : undefined}
            aria-keyshortcuts={item.keys.replace(' ', '+')}
            title={`${item.label} (${item.keys})`}
            className="rail-item"
          >
            <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
              <path d={item.icon} />
            </svg>
            <span>{item.label}</span>
            {item.screen === 'fleet' && offline > 0 && (
              <span className="rail-badge num" aria-label={`${offline} offline`}>
                {offline}
              </span>
            )}
          </a>
        );
      })}
    </nav>
  );
}
