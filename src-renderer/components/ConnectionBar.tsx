import { formatClock, formatDuration } from '../format';
import { alertsRoute, formatRoute } from '../nav/route';
import { useSmt } from '../store/react';
import { summarizeBroker } from './broker-state';
import { Logo } from './Logo';
import { ProfileSwitcher } from './profiles/ProfileSwitcher';

function RejectedFrames() {
  const rejects = useSmt((s) => s.rejects);
  const total = rejects?.total ?? 0;
  const top = rejects
    ? Object.entries(rejects.byReason)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([reason, n]) => `${reason}: ${n}`)
        .join('\n')
    : '';
  return (
    <div className="bar-item" title={total > 0 ? `Rejected by reason\n${top}` : 'No frame rejected'}>
      <span className="bar-label">Rejected frames</span>
      <span className={`bar-value num${total > 0 ? ' tone-warn' : ''}`} data-testid="rejected-frames">
        {rejects ? total : '–'}
      </span>
    </div>
  );
}

function FleetCounts() {
  const online = useSmt((s) => s.counts.online);
  const offline = useSmt((s) => s.counts.offline);
  const unknown = useSmt((s) => s.counts.unknown);
  return (
    <div className="bar-item counts" aria-label="Remotes by status">
      <span className="count" data-testid="count-online">
        <span className="dot tone-ok" aria-hidden="true" />
        <span className="num">{online}</span> online
      </span>
      <span className="count" data-testid="count-offline">
        <span className="dot tone-bad" aria-hidden="true" />
        <span className="num">{offline}</span> offline
      </span>
      <span className="count" data-testid="count-unknown">
        <span className="dot tone-idle" aria-hidden="true" />
        <span className="num">{unknown}</span> unknown
      </span>
    </div>
  );
}

function LastFailover() {
  const at = useSmt((s) => s.connection?.lastFailoverAt ?? null);
  const now = useSmt((s) => s.now);
  return (
    <div className="bar-item" data-testid="last-failover">
      <span className="bar-label">Last failover</span>
      <span className="bar-value">
        {at === null ? 'none' : `${formatClock(at)} (${formatDuration(now - at)} ago)`}
      </span>
    </div>
  );
}

/** Firing, unacknowledged alerts: moves with each alertsChanged event; a click opens the Alerts screen. */
function FiringAlerts() {
  const firing = useSmt((s) => s.alertsFiring);
  return (
    <a
      className="bar-item bar-link"
      href={formatRoute(alertsRoute)}
      title="Open the alerts (g e)"
      data-testid="alerts-firing"
      data-firing={firing}
    >
      <span className="bar-label">Alerts</span>
      <span className={`bar-value num${firing > 0 ? ' tone-bad' : ''}`}>{firing} firing</span>
    </a>
  );
}

/** Which broker the console is on and how that connection is doing, at a glance. */
export function ConnectionBar() {
  const connection = useSmt((s) => s.connection);
  const now = useSmt((s) => s.now);
  const b = summarizeBroker(connection, now);
  return (
    <header className="bar">
      <div className="brand">
        <Logo />
        <span className="brand-name">SMT Console</span>
        {connection && <span className="brand-sub">{connection.consoleId}</span>}
      </div>
      <ProfileSwitcher />
      <section
        className="bar-item broker"
        aria-label="Broker connection"
        data-state={connection?.state.kind ?? 'unknown'}
        data-testid="broker-connection"
      >
        <span className={`dot tone-${b.tone}${b.tone === 'busy' ? ' pulse' : ''}`} aria-hidden="true" />
        <span className="broker-text">
          <span className="broker-line">
            <strong>{b.label}</strong>
            {b.broker && (
              <>
                <span className="broker-name">{b.broker.name}</span>
                <span className="broker-url">{b.broker.url}</span>
              </>
            )}
          </span>
          {b.detail && <span className="broker-detail">{b.detail}</span>}
        </span>
      </section>
      <LastFailover />
      <div className="bar-spacer" />
      <FleetCounts />
      <FiringAlerts />
      <RejectedFrames />
    </header>
  );
}
