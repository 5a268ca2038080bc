import { useId, useState, type FormEvent } from 'react';
import { hostPort } from '../../../src-shared/broker/address';
import type { CertificateFacts, ProfileSummary } from '../../../src-shared/ipc/profile-views';
import { useSmt } from '../../store/react';
import { expiryOf } from './expiry';
import { ImportForm } from './ImportForm';
import { useSwitchProfile } from './use-switch-profile';

/** The CN alone reads best in a table; the whole subject is in the tooltip. */
const cn = (c: CertificateFacts | null) => (c ? (/CN=([^,]*)/.exec(c.subject)?.[1] ?? c.subject) : '–');

function Expires({ cert, now }: { cert: CertificateFacts | null; now: number }) {
  if (!cert) return <span className="muted">–</span>;
  const e = expiryOf(cert.notAfter, cert.notBefore, now);
  return (
    <span className={`expiry tone-${e.tone}`} data-tone={e.tone}>
      {e.tone !== 'ok' && <span aria-hidden="true">⚠ </span>}
      {e.text}
    </span>
  );
}

/** A switch to a profile whose passphrase this console does not hold yet: typed here, emptied after. */
function SwitchWithPassphrase({ p }: { p: ProfileSummary }) {
  const switchTo = useSwitchProfile();
  const switchingTo = useSmt((s) => s.switchingTo);
  const [passphrase, setPassphrase] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const secret = passphrase;
    setPassphrase('');
    if (secret.length > 0) void switchTo(p.name, secret);
  };
  return (
    <form className="inline-form" aria-label={`Switch to ${p.name}`} onSubmit={submit}>
      <label htmlFor={id} className="sr-only">
        Passphrase of {p.name}
      </label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        placeholder="Its passphrase"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
      />
      <button type="submit" className="button small" disabled={switchingTo !== null}>
        {switchingTo === p.name ? 'Switching…' : `Switch to ${p.name}`}
      </button>
    </form>
  );
}

function ProfileRow({ p, now }: { p: ProfileSummary; now: number }) {
  const switchTo = useSwitchProfile();
  const switchingTo = useSmt((s) => s.switchingTo);
  return (
    <tr aria-label={p.name} data-active={p.active}>
      <th scope="row">
        {p.name}
        {p.problem && (
          <div className="tone-bad small" role="note">
            {p.problem}
          </div>
        )}
      </th>
      <td className="mono">{p.consoleId || '–'}</td>
      <td className="mono small">
        {p.brokers.map((b) => (
          <div key={b.name}>
            {b.name}: {hostPort(b)}
          </div>
        ))}
      </td>
      <td title={p.ca?.subject}>{cn(p.ca)}</td>
      <td title={p.client ? `${p.client.subject}\nissued by ${p.client.issuer}` : undefined}>
        {cn(p.client)}
      </td>
      <td>
        <Expires cert={p.client} now={now} />
      </td>
      <td title={p.signing?.subject}>
        {p.signing ? (
          <>
            {cn(p.signing)}
            <div className="small">
              <Expires cert={p.signing} now={now} />
            </div>
          </>
        ) : (
          <span className="muted">none: watch only</span>
        )}
      </td>
      <td>
        {p.active ? (
          <span className="badge status-online">
            <span className="dot" aria-hidden="true" />
            in use
          </span>
        ) : p.needsPassphrase && !p.problem ? (
          <SwitchWithPassphrase p={p} />
        ) : (
          <button
            type="button"
            className="button small"
            disabled={switchingTo !== null || Boolean(p.problem)}
            onClick={() => void switchTo(p.name)}
          >
            {switchingTo === p.name ? 'Switching…' : `Switch to ${p.name}`}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Every IPAM this console knows, its certificates and when they end, and the import of a new one. */
export function ProfilesScreen() {
  const profiles = useSmt((s) => s.profiles);
  const now = useSmt((s) => s.now);
  return (
    <main className="screen profiles" aria-label="IPAM profiles">
      <header className="screen-head">
        <h1 className="title">IPAM profiles</h1>
        <span className="muted">
          Each profile is one IPAM: its brokers, CA, client certificate, signing key and its own database.
        </span>
      </header>
      <section className="panel" aria-labelledby="profiles-title">
        <h2 id="profiles-title">Profiles</h2>
        {profiles === null ? (
          <p className="muted" role="status">
            Loading the profiles…
          </p>
        ) : (
          <table className="grid" aria-labelledby="profiles-title">
            <thead>
              <tr>
                <th scope="col">Profile</th>
                <th scope="col">Console id</th>
                <th scope="col">Brokers</th>
                <th scope="col">CA</th>
                <th scope="col">Client certificate</th>
                <th scope="col">Expires</th>
                <th scope="col">Signing certificate</th>
                <th scope="col">
                  <span className="sr-only">State</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <ProfileRow key={p.name} p={p} now={now} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ImportForm />
    </main>
  );
}
