import type { ReactNode } from 'react';
import { Logo } from '../Logo';
import { Notices } from '../Notices';

/** The frame of the screens before a profile is open: the brand, the notices, one main region. */
export function GateFrame({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="app gate">
      <header className="bar">
        <div className="brand">
          <Logo />
          <span className="brand-name">SMT Console</span>
        </div>
      </header>
      <Notices />
      <main className="screen gate-screen" aria-label={label}>
        {children}
      </main>
    </div>
  );
}

/** Until the console has said what to show (the link is opening, or lost before it answered). */
export function StartingScreen() {
  return (
    <GateFrame label="Starting">
      <p className="muted" role="status">
        Connecting to the console…
      </p>
    </GateFrame>
  );
}
