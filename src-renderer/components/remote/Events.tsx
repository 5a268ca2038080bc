import { useCallback } from 'react';
import type { RemoteEvent } from '../../../src-shared/ipc';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatClock } from '../../format';

const tone = { info: 'idle', warning: 'warn', critical: 'bad' } as const;

/** The events a remote reported, newest first; refreshed every few seconds and after each action. */
export function useRemoteEvents(remoteId: string): {
  events: RemoteEvent[] | null;
  error: string | null;
  reload: () => void;
} {
  const api = useApi();
  const read = useCallback(() => api.getRemoteEvents({ remoteId, limit: 30 }), [api, remoteId]);
  const { value: events, error, reload } = useLoad(read, { everyMs: 5_000 });
  return { events, error, reload };
}

export function Events({ events, error }: { events: RemoteEvent[] | null; error: string | null }) {
  return (
    <section className="panel" aria-labelledby="events-title">
      <h2 id="events-title">Recent events</h2>
      {error && <p className="notice tone-warn">Could not refresh the events: {error}</p>}
      {events === null ? (
        <p className="muted">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">
          Nothing reported yet: process stops and starts, restarts and commands show here.
        </p>
      ) : (
        <ol className="events">
          {events.map((e) => (
            <li key={e.seq} data-code={e.code} data-severity={e.severity}>
              <span className={`dot tone-${tone[e.severity]}`} aria-hidden="true" />
              <time className="num muted" dateTime={new Date(e.receivedAt).toISOString()}>
                {formatClock(e.receivedAt)}
              </time>
              <span className="sr-only">{e.severity}</span>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
