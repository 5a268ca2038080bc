import { useCallback, type ReactNode } from 'react';
import type { HaPairView, HaSideView, HaVerdict } from '../../../src-shared/ipc/ha-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge } from '../../format';
import { formatRoute } from '../../nav/route';

/** The verdict's colour, in the fleet's own status badges: red when the pair does not serve as a pair. */
const badgeClass: Record<HaVerdict, string> = {
  healthy: 'status-online',
  'partner-down': 'status-offline',
  disagree: 'status-offline',
  transition: 'status-unknown',
  unknown: 'status-unknown',
};

function PairRows({ pair, remoteId, now }: { pair: HaPairView; remoteId: string; now: number }) {
  const me: HaSideView | undefined = pair.sides.find((s) => s.remoteId === remoteId);
  const r = me?.relationship;
  const partnerName = r?.partner?.name;
  // The partner's own report, when its remote is in the fleet: its side, not only what this side heard.
  const partnerSide = pair.sides.find(
    (s) => s.remoteId !== remoteId && s.relationship?.server.name === partnerName,
  );
  const rows: [string, ReactNode][] = [
    ['Pair', `${pair.name}${pair.mode ? ` (${pair.mode})` : ''}`],
    [
      'This server',
      me?.unreadable !== undefined ? (
        <span className="error">Kea&apos;s HA status cannot be read: {me.unreadable}</span>
      ) : r ? (
        <span data-ha-state={r.server.state}>
          {r.server.name}: {r.server.role}, <strong>{r.server.state}</strong>
          {r.server.scopes.length > 0 ? `, serving ${r.server.scopes.join(', ')}` : ''}
        </span>
      ) : (
        '–'
      ),
    ],
    [
      'Partner',
      r?.partner ? (
        <span data-ha-partner-state={r.partner.lastState}>
          {partnerSide ? (
            <a href={formatRoute({ screen: 'remote', remoteId: partnerSide.remoteId })}>{r.partner.name}</a>
          ) : (
            r.partner.name
          )}
          : {r.partner.role}, last seen <strong>{r.partner.lastState}</strong>
          {r.partner.communicationInterrupted ? (
            <span className="error"> — communication interrupted</span>
          ) : null}
        </span>
      ) : (
        '–'
      ),
    ],
    ['Last contact', r?.partner ? `${r.partner.ageS} s ago (Kea's heartbeat)` : '–'],
    [
      'Reported',
      me ? (
        <span className={me.stale ? 'warn' : 'muted'} title={new Date(me.reportedAt).toISOString()}>
          {me.stale ? 'stale, ' : ''}
          {formatAge(me.reportedAt, now)}
        </span>
      ) : (
        '–'
      ),
    ],
  ];
  return (
    <div className="ha-pair" data-ha-pair={pair.name} data-verdict={pair.verdict}>
      <p>
        <span className={`badge ${badgeClass[pair.verdict]}`}>
          <span className="dot" aria-hidden="true" />
          {pair.verdict}
        </span>{' '}
        <span className="muted">{pair.detail}</span>
      </p>
      <table className="kv">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Kea HA on one remote (docs/dhcp.md, "HA"): for each relationship its Kea is in, this server's state
 * and role, its partner as this side last heard it, and the console's verdict on the pair. Nothing is
 * shown for a remote whose Kea runs no HA.
 */
export function HaSection({ remoteId }: { remoteId: string }) {
  const api = useApi();
  const read = useCallback(() => api.listHa({ remoteId }), [api, remoteId]);
  const { value, error } = useLoad(read, { everyMs: 5_000 });
  if (!error && (value === null || value.pairs.length === 0)) return null;
  const now = Date.now();
  return (
    <section className="panel" aria-label="HA">
      <h2>HA</h2>
      {error && <p className="error">{error}</p>}
      {(value?.pairs ?? []).map((pair) => (
        <PairRows key={pair.key} pair={pair} remoteId={remoteId} now={now} />
      ))}
    </section>
  );
}
