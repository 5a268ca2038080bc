import type { RemoteView } from '../../../src-shared/ipc';
import { formatBytes, formatDuration } from '../../format';

export function Processes({ remote: r }: { remote: RemoteView }) {
  return (
    <section className="panel" aria-labelledby="procs-title">
      <h2 id="procs-title">Processes</h2>
      {r.processes.length === 0 ? (
        <p className="muted">This remote reports no DNS, DHCP or routing process.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">State</th>
              <th scope="col" className="numeric">
                PID
              </th>
              <th scope="col" className="numeric">
                Uptime
              </th>
              <th scope="col" className="numeric">
                Memory
              </th>
            </tr>
          </thead>
          <tbody>
            {r.processes.map((p) => (
              <tr key={p.name} data-process={p.name} data-state={p.running ? 'running' : 'down'}>
                <td className="mono">{p.name}</td>
                <td>
                  <span className={`badge ${p.running ? 'status-online' : 'status-offline'}`}>
                    <span className="dot" aria-hidden="true" />
                    {p.running ? 'running' : 'not running'}
                  </span>
                </td>
                <td className="numeric num">{p.pid ?? '–'}</td>
                <td className="numeric num">
                  {p.running && p.uptimeS !== undefined ? formatDuration(p.uptimeS * 1000) : '–'}
                </td>
                <td className="numeric num">{p.rssBytes === undefined ? '–' : formatBytes(p.rssBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
