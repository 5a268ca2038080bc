import { useRef, useState, type FormEvent } from 'react';
import type { LeaseSearchRow, LeaseSearchView } from '../../../src-shared/ipc/lease-views';
import type { LeaseFindBy } from '../../../src-shared/protocol/lease-find';
import { useApi } from '../../api/context';
import { nextSearch, type SearchState } from './search-state';

const kinds: { value: LeaseFindBy | ''; label: string }[] = [
  { value: '', label: 'Any (read from the value)' },
  { value: 'ip', label: 'IP address' },
  { value: 'mac', label: 'MAC address' },
  { value: 'client-id', label: 'Client id' },
  { value: 'hostname', label: 'Hostname' },
];

const dash = <span className="faint">–</span>;

function Row({ r }: { r: LeaseSearchRow }) {
  return (
    <tr data-remote={r.remoteId}>
      <td>
        <a href={`#/remote/${encodeURIComponent(r.remoteId)}`}>{r.remoteId}</a>
      </td>
      <td className="mono">{r.subnet ?? (r.subnetId === null ? dash : `id ${r.subnetId}`)}</td>
      <td className="mono">{r.ipAddress}</td>
      <td className="mono">{r.hwAddress ?? dash}</td>
      <td className="mono">{r.clientId ?? dash}</td>
      <td>{r.hostname ?? dash}</td>
      <td>
        <span className={`badge lease-${r.state}`}>{r.state}</span>
      </td>
      <td className="num nowrap">
        {r.expiresAt === null ? (
          dash
        ) : (
          <time dateTime={new Date(r.expiresAt).toISOString()} title="On the remote's clock">
            {new Date(r.expiresAt).toLocaleString()}
          </time>
        )}
      </td>
    </tr>
  );
}

function Results({ view }: { view: LeaseSearchView }) {
  return (
    <>
      <p className="muted" role="status" aria-label="Search outcome">
        {view.results.length === 0
          ? `No lease with ${view.by} ${view.value} on the ${view.asked.length} DHCP remote(s) asked.`
          : `${view.results.length} lease(s) with ${view.by} ${view.value}; ${view.asked.length} DHCP remote(s) asked.`}
      </p>
      {view.results.length > 0 && (
        <table className="grid leases-table" aria-label="Leases found">
          <thead>
            <tr>
              <th scope="col">Remote</th>
              <th scope="col">Subnet</th>
              <th scope="col">IP address</th>
              <th scope="col">MAC</th>
              <th scope="col">Client id</th>
              <th scope="col">Hostname</th>
              <th scope="col">State</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {view.results.map((r) => (
              <Row key={`${r.remoteId} ${r.ipAddress}`} r={r} />
            ))}
          </tbody>
        </table>
      )}
      {(view.failed.length > 0 || view.truncated.length > 0 || view.offline.length > 0) && (
        <ul className="notes" aria-label="Remotes not fully answering">
          {view.failed.map((f) => (
            <li key={f.remoteId} className="tone-warn">
              {f.remoteId} did not answer: {f.error}
            </li>
          ))}
          {view.truncated.map((id) => (
            <li key={id}>{id} has more matching leases than one answer carries; only the first are shown.</li>
          ))}
          {view.offline.length > 0 && <li>Not asked (not online): {view.offline.join(', ')}</li>}
        </ul>
      )}
    </>
  );
}

/** Lease search (docs/dhcp.md): which DHCP remote leased an address, MAC, client id or hostname. */
export function LeasesScreen() {
  const api = useApi();
  const [value, setValue] = useState('');
  const [by, setBy] = useState<LeaseFindBy | ''>('');
  const [state, setState] = useState<SearchState>({ kind: 'idle' });
  const seq = useRef(0);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = ++seq.current;
    const next = nextSearch(state, { type: 'submit', value, by: by || undefined, seq: n });
    setState(next);
    if (next.kind !== 'searching') return;
    void api
      .searchLeases({ value, ...(by ? { by } : {}) })
      .then((result) => setState((s) => nextSearch(s, { type: 'answer', seq: n, result })));
  };

  return (
    <main className="screen leases" aria-label="Leases">
      <header className="screen-head">
        <h1 className="title">Leases</h1>
        <span className="muted">Search the online DHCP remotes by IP, MAC, client id or hostname</span>
      </header>
      <form className="toolbar" onSubmit={submit}>
        <label className="search">
          <input
            type="search"
            aria-label="Search leases"
            placeholder="192.0.2.10, 52:54:00:12:34:56, 01:52:54:…, host.example"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </label>
        <select
          aria-label="Search by"
          className="select"
          value={by}
          onChange={(e) => setBy(e.target.value as LeaseFindBy | '')}
        >
          {kinds.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <button type="submit" className="button" disabled={state.kind === 'searching'}>
          Search
        </button>
      </form>
      <section className="panel">
        {state.kind === 'idle' && (
          <p className="empty">
            Type what you know of a client; each online DHCP remote says which leases it holds.
          </p>
        )}
        {state.kind === 'searching' && (
          <p className="muted" role="status" aria-label="Search outcome">
            Asking the online DHCP remotes for {state.label}…
          </p>
        )}
        {state.kind === 'refused' && (
          <p className="notice tone-warn" role="alert">
            {state.message}
          </p>
        )}
        {state.kind === 'done' && <Results view={state.view} />}
      </section>
    </main>
  );
}
