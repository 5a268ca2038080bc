import { useCallback, useMemo, useState } from 'react';
import type { LeasesView } from '../../../src-shared/ipc/draft-views';
import type { RemoteView } from '../../../src-shared/ipc';
import type { ServedConfig } from '../../../src-shared/protocol';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatAge, formatClock } from '../../format';
import { useSmt } from '../../store/react';
import { ZoneRecordsTable } from './ZoneRecordsTable';

type What = 'zone' | 'leases';

/**
 * "View the zone or leases it serves": asks the remote itself (so it must be online). Zones and scopes this
 * profile pushed are offered as choices; any other name can be typed. The answer keeps its time, so an
 * admin sees how old what is on screen is.
 */
export function Served({ remote }: { remote: RemoteView }) {
  const api = useApi();
  const now = useSmt((s) => s.now);
  const [what, setWhat] = useState<What>('zone');
  const [zoneAs, setZoneAs] = useState<'records' | 'text'>('records');
  const [zone, setZone] = useState('');
  const [subnet, setSubnet] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [served, setServed] = useState<{ at: number; config: ServedConfig } | null>(null);
  const [leases, setLeases] = useState<{ at: number; view: LeasesView } | null>(null);

  const linkOpen = useSmt((s) => s.link.kind === 'open');
  const read = useCallback(() => api.listPushedObjects(), [api]);
  const pushed = useLoad(read, { enabled: linkOpen }).value;
  const choices = useMemo(
    () => ({
      zones: (pushed ?? []).flatMap((o) => (o.kind === 'zone' ? [o.name] : [])),
      subnets: (pushed ?? []).flatMap((o) => (o.kind === 'scope' ? [o.subnet] : [])),
    }),
    [pushed],
  );

  const show = async () => {
    setBusy(true);
    setError(null);
    if (what === 'zone') {
      const r = await api.getServed({ remoteId: remote.id, object: { kind: 'zone', name: zone.trim() } });
      setBusy(false);
      if (!r.ok) return setError(r.error.message);
      setServed({ at: Date.now(), config: r.value });
    } else {
      const r = await api.getLeases({ remoteId: remote.id, subnet: subnet.trim() });
      setBusy(false);
      if (!r.ok) return setError(r.error.message);
      setLeases({ at: Date.now(), view: r.value });
    }
  };

  const offline = remote.status !== 'online';
  const value = what === 'zone' ? zone : subnet;
  return (
    <section className="panel served" aria-labelledby="served-title">
      <div className="panel-head">
        <h2 id="served-title">Served configuration</h2>
        <div className="segmented" role="group" aria-label="Show">
          {(['zone', 'leases'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={what === w} onClick={() => setWhat(w)}>
              {w === 'zone' ? 'Zone' : 'DHCP leases'}
            </button>
          ))}
        </div>
      </div>
      <form
        className="served-form"
        onSubmit={(e) => {
          e.preventDefault();
          void show();
        }}
      >
        <input
          aria-label={what === 'zone' ? 'Zone name' : 'Subnet'}
          className="mono"
          list={what === 'zone' ? 'served-zones' : 'served-subnets'}
          value={value}
          placeholder={what === 'zone' ? 'example.com' : '10.0.0.0/24'}
          onChange={(e) => (what === 'zone' ? setZone(e.target.value) : setSubnet(e.target.value))}
        />
        <datalist id="served-zones">
          {choices.zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <datalist id="served-subnets">
          {choices.subnets.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <button type="submit" className="button small" disabled={busy || value.trim() === ''}>
          {busy ? 'Asking…' : what === 'zone' ? 'Show zone' : 'Show leases'}
        </button>
        {offline && (
          <span className="muted">
            {remote.id} is {remote.status}: the remote must be online to answer.
          </span>
        )}
      </form>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {what === 'zone' && served && !error && (
        <div aria-label="Served zone">
          <p className="muted" role="status">
            {served.config.served
              ? `${remote.id} serves ${served.config.object.kind === 'zone' ? served.config.object.name : ''}${served.config.version === null ? ' (not pushed by a console)' : ` at version ${served.config.version}`}; asked ${formatAge(served.at, now)} (${formatClock(served.at)}).`
              : `${remote.id} does not serve this zone; push it from a draft or the Push screen.`}
          </p>
          {served.config.text !== null && (
            <div className="segmented" role="group" aria-label="Show the zone as">
              {(['records', 'text'] as const).map((m) => (
                <button key={m} type="button" aria-pressed={zoneAs === m} onClick={() => setZoneAs(m)}>
                  {m === 'records' ? 'Records' : 'Zone file'}
                </button>
              ))}
            </div>
          )}
          {served.config.text !== null && zoneAs === 'records' && served.config.object.kind === 'zone' && (
            <ZoneRecordsTable zone={served.config.object.name} text={served.config.text} />
          )}
          {served.config.text !== null && zoneAs === 'text' && (
            <pre className="served-text" aria-label="Zone text">
              {served.config.text}
            </pre>
          )}
        </div>
      )}
      {what === 'leases' && leases && !error && (
        <div aria-label="Leases">
          <p className="muted" role="status">
            {leases.view.leases.length} lease{leases.view.leases.length === 1 ? '' : 's'} in{' '}
            {leases.view.subnet}; asked {formatAge(leases.at, now)} ({formatClock(leases.at)})
            {leases.view.unreadable > 0
              ? `; ${leases.view.unreadable} entries were not leases and are left out`
              : ''}
            .
          </p>
          {leases.view.leases.length > 0 && (
            <table className="grid" aria-label="Lease table">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">MAC</th>
                  <th scope="col">Host name</th>
                  <th scope="col">Ends</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {leases.view.leases.map((l) => (
                  <tr key={l.ipAddress}>
                    <td className="mono">{l.ipAddress}</td>
                    <td className="mono">{l.hwAddress ?? '—'}</td>
                    <td>{l.hostname ?? '—'}</td>
                    <td>{l.expiresAt === null ? '—' : new Date(l.expiresAt).toLocaleString()}</td>
                    <td>{l.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
