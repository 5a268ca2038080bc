import { useEffect, useId, useRef, useState } from 'react';
import { hostPort } from '../../../src-shared/broker/address';
import { formatRoute, profilesRoute } from '../../nav/route';
import { useSmt } from '../../store/react';
import { useSwitchProfile } from './use-switch-profile';

/** The connection bar's IPAM picker: the profile in use, and a menu of the others. */
export function ProfileSwitcher() {
  const profiles = useSmt((s) => s.profiles);
  const switchingTo = useSmt((s) => s.switchingTo);
  const switchTo = useSwitchProfile();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const active = profiles?.find((p) => p.active);
  const others = profiles?.filter((p) => !p.active) ?? [];

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    // The first item takes the focus, as a menu opened from the keyboard should.
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, [open]);

  const label = switchingTo ? `Switching to ${switchingTo}…` : (active?.name ?? '…');
  return (
    <div className="bar-item profile-switcher" ref={root}>
      <span className="bar-label">IPAM</span>
      <button
        type="button"
        className="switcher-button"
        aria-label={`IPAM profile: ${label}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="profile-switcher"
        disabled={profiles === null || switchingTo !== null}
        onClick={() => setOpen((o) => !o)}
      >
        <strong>{label}</strong> <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul className="menu" role="menu" id={menuId} aria-label="Switch IPAM profile">
          {others.map((p) => (
            <li key={p.name} role="none">
              {p.needsPassphrase && !p.problem ? (
                // Its passphrase is typed on the Profiles screen, not in a menu.
                <a
                  role="menuitem"
                  href={formatRoute(profilesRoute)}
                  title="Sealed with a passphrase this console does not hold yet: type it on the Profiles screen"
                  onClick={() => setOpen(false)}
                >
                  {p.name} 🔒
                </a>
              ) : (
                <button
                  type="button"
                  role="menuitem"
                  disabled={Boolean(p.problem)}
                  title={p.problem ?? p.brokers.map(hostPort).join(', ')}
                  onClick={() => {
                    setOpen(false);
                    void switchTo(p.name);
                  }}
                >
                  {p.name}
                </button>
              )}
            </li>
          ))}
          {others.length === 0 && (
            <li role="none" className="menu-note">
              No other profile yet.
            </li>
          )}
          <li role="none">
            <a role="menuitem" href={formatRoute(profilesRoute)} onClick={() => setOpen(false)}>
              Manage profiles…
            </a>
          </li>
        </ul>
      )}
    </div>
  );
}
