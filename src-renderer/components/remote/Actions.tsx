import { useRef, useState } from 'react';
import type { CommandOutcome, RemoteView } from '../../../src-shared/ipc';
import type { ServiceName } from '../../../src-shared/protocol';
import { useApi } from '../../api/context';
import { formatClock } from '../../format';

type Action = 'reload' | 'restart' | 'flush-cache';
interface Pending {
  action: Action;
  service: ServiceName;
}

const actionLabel: Record<Action, string> = {
  reload: 'Reload',
  restart: 'Restart',
  'flush-cache': 'Flush cache',
};

function outcomeText(what: string, o: CommandOutcome): string {
  switch (o.state) {
    case 'applied':
      return `${what}: done at ${formatClock(o.at)}.`;
    case 'failed':
      return `${what} failed: ${o.reason ?? 'no reason given'}.`;
    case 'waiting':
      return `${what}: ${o.reason ?? 'no answer yet'}.`;
    case 'not-sent':
      return `${what} was not sent: ${o.reason ?? ''}`;
  }
}

/**
 * Service commands for one remote. A restart interrupts service, so it asks first; reload and flush do
 * not. The outcome stays on screen with its time, and the remote's events show it too.
 */
export function Actions({ remote, onDone }: { remote: RemoteView; onDone: () => void }) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; tone: 'ok' | 'warn' | 'bad' } | null>(null);
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  const run = async ({ action, service }: Pending) => {
    const what = `${actionLabel[action]} ${service}`;
    setBusy(what);
    setResult(null);
    const r = await api.runCommand({ remoteIds: [remote.id], action, service });
    setBusy(null);
    onDone();
    if (!r.ok) return setResult({ text: `${what}: ${r.error.message}`, tone: 'bad' });
    const o = r.value[0];
    if (!o) return setResult({ text: `${what}: no answer`, tone: 'warn' });
    setResult({
      text: outcomeText(what, o),
      tone: o.state === 'applied' ? 'ok' : o.state === 'waiting' ? 'warn' : 'bad',
    });
  };

  const ask = (p: Pending) => {
    if (p.action !== 'restart') return void run(p);
    setConfirm(p);
    dialog.current?.showModal();
  };

  const services = remote.processes.map((p) => p.name);
  return (
    <section className="panel" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {services.length === 0 && <p className="muted">No service on this remote takes commands.</p>}
      <div className="actions">
        {services.map((service) => (
          <div key={service} className="action-row" role="group" aria-label={service}>
            <span className="mono">{service}</span>
            {(
              ['reload', 'restart', ...(service === 'named' ? ['flush-cache' as const] : [])] as Action[]
            ).map((action) => (
              <button
                key={action}
                type="button"
                className="button small"
                disabled={busy !== null || remote.status === 'offline'}
                onClick={() => ask({ action, service })}
              >
                {actionLabel[action]}
              </button>
            ))}
          </div>
        ))}
      </div>
      {remote.status === 'offline' && (
        <p className="muted">The remote is offline: commands would wait for it. Bring it back first.</p>
      )}
      <p className={`action-result${result ? ` tone-${result.tone}` : ''}`} role="status" aria-live="polite">
        {busy ? `${busy}…` : (result?.text ?? '')}
      </p>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="restart-title"
        onClose={() => setConfirm(null)}
      >
        <h2 id="restart-title">Restart {confirm?.service}?</h2>
        <p>
          {confirm?.service} on {remote.id} ({remote.hostname}) stops answering while it restarts.
        </p>
        <form method="dialog" className="dialog-buttons">
          <button type="submit" className="button" value="cancel">
            Cancel
          </button>
          <button
            type="submit"
            className="button danger"
            value="restart"
            onClick={() => {
              if (confirm) void run(confirm);
            }}
          >
            Restart
          </button>
        </form>
      </dialog>
    </section>
  );
}
