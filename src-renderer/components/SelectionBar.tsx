import { useRef, useState } from 'react';
import type { CommandOutcome } from '../../src-shared/ipc';
import { ServiceName } from '../../src-shared/protocol';
import { useApi } from '../api/context';
import { pushRoute } from '../nav/route';
import { useSmt } from '../store/react';

type Action = 'reload' | 'restart' | 'flush-cache';
const actions: { value: Action; label: string }[] = [
  { value: 'reload', label: 'Reload' },
  { value: 'restart', label: 'Restart' },
  { value: 'flush-cache', label: 'Flush cache' },
];
const outcomeStates: CommandOutcome['state'][] = ['applied', 'failed', 'waiting', 'not-sent'];
const stateLabel: Record<CommandOutcome['state'], string> = {
  applied: 'done',
  failed: 'failed',
  waiting: 'waiting for the remote',
  'not-sent': 'not sent',
};

/** Runs one service command on every selected remote and shows what each answered. */
function RunCommandDialog({
  ids,
  dialog,
}: {
  ids: readonly string[];
  dialog: React.RefObject<HTMLDialogElement | null>;
}) {
  const api = useApi();
  const [action, setAction] = useState<Action>('reload');
  const [service, setService] = useState<ServiceName>('named');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<CommandOutcome[] | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    setOutcomes(null);
    const r = await api.runCommand({ remoteIds: [...ids], action, service });
    setBusy(false);
    if (r.ok) setOutcomes(r.value);
    else setError(`${r.error.message} Change the selection or the command and run it again.`);
  };
  const count = (st: CommandOutcome['state']) => outcomes?.filter((o) => o.state === st).length ?? 0;
  const trouble = outcomes?.filter((o) => o.state !== 'applied') ?? [];

  return (
    <dialog
      ref={dialog}
      className="dialog wide"
      aria-labelledby="run-title"
      onClose={() => {
        setOutcomes(null);
        setError(null);
      }}
    >
      <h2 id="run-title">Run a command on {ids.length} remotes</h2>
      <div className="form-row">
        <label className="select">
          <span>Command</span>
          <select aria-label="Command" value={action} onChange={(e) => setAction(e.target.value as Action)}>
            {actions.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="select">
          <span>Service</span>
          <select
            aria-label="Service"
            value={service}
            onChange={(e) => setService(e.target.value as ServiceName)}
          >
            {ServiceName.options.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {action === 'restart' && (
        <p className="notice tone-warn">
          {service} stops answering on every selected remote while it restarts.
        </p>
      )}
      <div role="status" aria-live="polite" className="run-outcome">
        {busy && <p>Sent; waiting for the remotes to answer…</p>}
        {error && <p className="tone-bad">{error}</p>}
        {outcomes && (
          <>
            <p className="counts" aria-label="Command outcomes">
              {outcomeStates.map((st) => (
                <span key={st} className={`chip state-${st}`}>
                  {stateLabel[st]} <span className="num">{count(st)}</span>
                </span>
              ))}
            </p>
            {trouble.length > 0 && (
              <table className="grid compact" aria-label="Remotes that did not do it">
                <thead>
                  <tr>
                    <th>Remote</th>
                    <th>Outcome</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {trouble.slice(0, 200).map((o) => (
                    <tr key={o.remoteId}>
                      <td className="mono">{o.remoteId}</td>
                      <td>{stateLabel[o.state]}</td>
                      <td>{o.reason ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </div>
      <form method="dialog" className="dialog-buttons">
        <button type="submit" className="button" value="close">
          Close
        </button>
        <button
          type="button"
          className={`button${action === 'restart' ? ' danger' : ' primary'}`}
          disabled={busy}
          onClick={() => void run()}
        >
          {actions.find((a) => a.value === action)?.label} {service}
        </button>
      </form>
    </dialog>
  );
}

/** What the admin can do with the remotes picked in the table; hidden while nothing is picked. */
export function SelectionBar() {
  const selected = useSmt((s) => s.selected);
  const clear = useSmt((s) => s.clearSelection);
  const setPushTargets = useSmt((s) => s.setPushTargets);
  const navigate = useSmt((s) => s.navigate);
  const dialog = useRef<HTMLDialogElement>(null);
  if (selected.size === 0) return null;
  const ids = [...selected].sort();
  return (
    <div className="selection-bar" role="region" aria-label="Selection">
      <strong className="num">{selected.size} selected</strong>
      <button
        type="button"
        className="button primary"
        onClick={() => {
          setPushTargets(ids);
          navigate(pushRoute);
        }}
      >
        Push…
      </button>
      <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
        Run command…
      </button>
      <button type="button" className="button link" onClick={clear}>
        Clear selection
      </button>
      <RunCommandDialog ids={ids} dialog={dialog} />
    </div>
  );
}
