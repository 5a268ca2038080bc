import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { LockedProfile } from '../../../src-shared/ipc/profile-views';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';
import { secondsToWait } from '../../store/start-slice';
import { ImportForm } from '../profiles/ImportForm';
import { PasswordField } from '../PasswordField';
import { GateFrame } from './GateFrame';

const openable = (p: LockedProfile) => p.problem === undefined;

/**
 * The console's profiles are sealed: pick one (the last used is preselected) and type its passphrase. A
 * wrong one says so and the field empties; after a few in a row the console makes the next try wait, and
 * this screen counts the wait down.
 */
export function UnlockScreen() {
  const api = useApi();
  const start = useSmt((s) => s.start);
  const retryAt = useSmt((s) => s.retryAt);
  const now = useSmt((s) => s.now);
  const profiles = start?.kind === 'locked' ? start.profiles : [];
  const last = start?.kind === 'locked' ? start.last : null;
  const initial =
    profiles.find((p) => p.name === last && openable(p))?.name ?? profiles.find(openable)?.name ?? '';
  const [picked, setPicked] = useState<string | null>(null);
  const name = picked ?? initial;
  const profile = profiles.find((p) => p.name === name);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const ids = { title: useId() };
  const wait = secondsToWait(retryAt, Math.max(now, Date.now()));
  const needsPassphrase = profile?.sealedWith !== 'keyring';

  useEffect(() => field.current?.focus(), [name]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!profile) return;
    const secret = passphrase;
    setPassphrase('');
    setError(null);
    if (needsPassphrase && secret.length === 0) return setError(`Type the passphrase of "${profile.name}".`);
    setBusy(true);
    try {
      const r = await api.unlockProfile({
        name: profile.name,
        ...(needsPassphrase ? { passphrase: secret } : {}),
      });
      // Open: the start state that follows shows the app.
      if (!r.ok) setError(r.error.message);
    } finally {
      setBusy(false);
      field.current?.focus();
    }
  };

  return (
    <GateFrame label="Unlock">
      <header className="screen-head">
        <h1 className="title" id={ids.title}>
          Unlock SMT Console
        </h1>
        <span className="muted">
          The keys of your IPAM profiles are sealed on this computer. Type the passphrase you set when you
          imported the profile; it stays in this console&apos;s memory until it stops.
        </span>
      </header>
      <section className="panel" aria-labelledby={ids.title}>
        <form className="import-form" aria-label="Unlock a profile" onSubmit={(e) => void submit(e)}>
          {profiles.length > 1 ? (
            <fieldset className="field wide">
              <legend>Profile</legend>
              {profiles.map((p) => (
                <label key={p.name}>
                  <input
                    type="radio"
                    name="profile"
                    value={p.name}
                    checked={p.name === name}
                    disabled={!openable(p)}
                    onChange={() => {
                      setPicked(p.name);
                      setError(null);
                    }}
                  />{' '}
                  {p.name}
                  {p.consoleId && <span className="muted small"> ({p.consoleId})</span>}
                  {p.problem && (
                    <span className="tone-bad small" role="note">
                      {' '}
                      {p.problem}
                    </span>
                  )}
                </label>
              ))}
            </fieldset>
          ) : (
            <div className="field wide">
              <span className="bar-label">Profile</span>
              <strong>{profiles[0]?.name}</strong>
              {profiles[0]?.problem && (
                <span className="tone-bad small" role="note">
                  {profiles[0].problem}
                </span>
              )}
            </div>
          )}
          {profile && needsPassphrase && (
            <PasswordField
              label="Passphrase"
              autoComplete="current-password"
              inputRef={field}
              value={passphrase}
              onChange={setPassphrase}
            />
          )}
          <div className="field wide">
            <button type="submit" className="button primary" disabled={busy || wait > 0 || !profile}>
              {busy ? 'Opening…' : wait > 0 ? `Wait ${wait} s` : needsPassphrase ? 'Unlock' : 'Open'}
            </button>
          </div>
        </form>
        {wait > 0 && (
          <p className="action-result tone-warn" role="status">
            Too many wrong passphrases in a row: the next try is possible in {wait} s.
          </p>
        )}
        {error && (
          <p className="action-result tone-bad" role="alert">
            {error}
          </p>
        )}
      </section>
      <details className="panel">
        <summary>Import another profile</summary>
        <ImportForm first />
      </details>
    </GateFrame>
  );
}
