import { useEffect } from 'react';
import type { RemoteView } from '../../../src-shared/ipc';
import { useApi } from '../../api/context';
import { formatDuration } from '../../format';
import { useSmt } from '../../store/react';
import { certRow } from './cert-expiry';

/**
 * The profile's alert rules, loaded once if no screen has yet (the certificate row warns by the
 * cert-expiry rule's threshold); until then, or if the call fails, the default rules hold.
 */
function useAlertRules() {
  const api = useApi();
  const rules = useSmt((s) => s.alertRules);
  const setRules = useSmt((s) => s.setAlertRules);
  const missing = rules === null;
  useEffect(() => {
    if (!missing) return;
    let live = true;
    void api.getAlertRules().then((r) => {
      if (live && r.ok) setRules(r.value);
    });
    return () => {
      live = false;
    };
  }, [api, missing, setRules]);
  return rules;
}

/** The System Information panel as an IPAM shows it: one name/value row per fact. */
export function SystemInfo({ remote: r }: { remote: RemoteView }) {
  const now = useSmt((s) => s.now);
  const cert = certRow(r, now, useAlertRules());
  const rows: [string, string][] = [
    ['Host name', r.hostname],
    ['IP addresses', r.ips.join(', ') || '–'],
    ['Service tag', r.serviceTag],
    ['Time on the system', r.localTime ?? '–'],
    ['System uptime', r.uptimeS === null ? '–' : formatDuration(r.uptimeS * 1000)],
    ['Load averages (1, 5, 15 min)', r.load ? r.load.map((l) => l.toFixed(2)).join('  ') : '–'],
    ['Operating system', r.os],
    ['Kernel', r.kernel],
    ['Agent', `${r.agentVersion} (${r.mode})`],
  ];
  return (
    <section className="panel" aria-labelledby="sysinfo-title">
      <h2 id="sysinfo-title">System information</h2>
      <table className="kv">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td className={name === 'IP addresses' || name === 'Service tag' ? 'mono' : undefined}>
                {value}
              </td>
            </tr>
          ))}
          <tr data-cert-warn={cert?.warn ? 'true' : undefined}>
            <th scope="row">Certificate expires</th>
            {cert ? (
              <td className={cert.warn ? 'tone-warn' : undefined} title={cert.detail}>
                {cert.warn && <span aria-hidden="true">⚠ </span>}
                {cert.text}
              </td>
            ) : (
              <td className="muted" title="This agent does not report its certificate (an older agent)">
                not reported
              </td>
            )}
          </tr>
        </tbody>
      </table>
    </section>
  );
}
