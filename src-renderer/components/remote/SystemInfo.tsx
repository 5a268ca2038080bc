import type { RemoteView } from '../../../src-shared/ipc';
import { formatDuration } from '../../format';

/** The System Information panel as an IPAM shows it: one name/value row per fact. */
export function SystemInfo({ remote: r }: { remote: RemoteView }) {
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
        </tbody>
      </table>
    </section>
  );
}
