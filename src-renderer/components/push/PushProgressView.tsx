import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useRef, useState } from 'react';
import type { PushDetail } from '../../../src-shared/ipc';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { formatClock, formatDuration } from '../../format';
import { useSmt } from '../../store/react';
import { objectName, StateCounts } from './push-format';

const ROW = 34;

function Bar({ detail }: { detail: PushDetail }) {
  const { total, counts } = detail.summary;
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  const good = counts.applied + counts.superseded;
  const bad = counts.failed + counts['rolled-back'] + counts.expired + counts.cancelled;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label="Push progress"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={detail.summary.done}
      aria-valuetext={`${good} of ${total} applied, ${bad} not`}
    >
      <span className="progress-ok" style={{ width: `${pct(good)}%` }} />
      <span className="progress-bad" style={{ width: `${pct(bad)}%` }} />
      <span className="progress-moving" style={{ width: `${pct(counts.sent + counts.delivered)}%` }} />
    </div>
  );
}

function stateText(d: PushDetail['deliveries'][number], at: number): string {
  if (d.state === 'sent' && d.sentAt !== null)
    return `sent — waiting for remote, ${formatDuration(at - d.sentAt)}`;
  if (d.state === 'held') return 'held by the canary';
  return d.state;
}

/** Every target's row, virtualized: a push to 10,000 remotes renders the rows in view only. */
function DeliveryTable({ detail, now }: { detail: PushDetail; now: number }) {
  const scroll = useRef<HTMLDivElement>(null);
  const rows = detail.deliveries;
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroll.current,
    estimateSize: () => ROW,
    overscan: 10,
    getItemKey: (i) => rows[i]?.remoteId ?? i,
  });
  const skew = now - detail.at;
  return (
    <div
      ref={scroll}
      className="deliveries"
      role="table"
      aria-label="Deliveries"
      aria-rowcount={rows.length + 1}
    >
      <div role="rowgroup" className="deliveries-head">
        <div role="row" className="drow">
          <div role="columnheader">Remote</div>
          <div role="columnheader">State</div>
          <div role="columnheader">Since</div>
          <div role="columnheader">Attempt</div>
          <div role="columnheader">Remote says</div>
        </div>
      </div>
      <div role="rowgroup" style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const d = rows[item.index];
          if (!d) return null;
          return (
            <div
              key={d.remoteId}
              role="row"
              aria-label={d.remoteId}
              data-state={d.state}
              className={`drow state-${d.state}`}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <div role="cell" className="mono">
                <a href={`#/remote/${encodeURIComponent(d.remoteId)}`}>{d.remoteId}</a>
              </div>
              <div role="cell">
                <span className={`chip state-${d.state}`}>{stateText(d, detail.at + skew)}</span>
              </div>
              <div role="cell" className="num" title={d.since === null ? '' : formatClock(d.since)}>
                {d.since === null ? '–' : `${formatDuration(Math.max(0, detail.at + skew - d.since))} ago`}
              </div>
              <div role="cell" className="num">
                {d.attempt || '–'}
              </div>
              <div role="cell" className="reason" title={d.reason ?? ''}>
                {d.reason ?? ''}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * One push live: fetched once, then again whenever the console reports it moved (pushProgress, at most
 * every 200 ms), never polled. Retry and cancel say what they did.
 */
export function PushProgressView({ pushId }: { pushId: string }) {
  const api = useApi();
  const event = useSmt((s) => s.pushProgress.get(pushId));
  const now = useSmt((s) => s.now);
  const link = useSmt((s) => s.link.kind);
  const [outcome, setOutcome] = useState<{ text: string; tone: 'ok' | 'warn' | 'bad' } | null>(null);
  const [busy, setBusy] = useState<'retry' | 'cancel' | null>(null);
  // One read at a time; an event during a read asks for one more read after it, not one per event.
  const read = useCallback(() => api.getPush(pushId), [api, pushId]);
  const { value: detail, error, reload: load } = useLoad(read, { refreshOn: [event, link] });

  const retry = async () => {
    setBusy('retry');
    const r = await api.retryPush(pushId);
    setBusy(null);
    if (!r.ok) return setOutcome({ text: `Retry refused: ${r.error.message}`, tone: 'bad' });
    setOutcome(
      r.value.retried === 0
        ? { text: 'Nothing to retry: no delivery failed, expired or was cancelled.', tone: 'warn' }
        : { text: `Retried ${r.value.retried}: each is a new attempt with a new message id.`, tone: 'ok' },
    );
    void load();
  };
  const cancel = async () => {
    setBusy('cancel');
    const r = await api.cancelPush(pushId);
    setBusy(null);
    if (!r.ok) return setOutcome({ text: `Cancel failed: ${r.error.message}`, tone: 'bad' });
    const { cancelled, withRemote, unreachable } = r.value;
    const parts = [`${cancelled} withdrawn`];
    if (withRemote > 0)
      parts.push(`${withRemote} already with their remotes (they apply it; their reports decide)`);
    if (unreachable > 0)
      parts.push(`${unreachable} not reachable without a broker: cancel again once connected`);
    setOutcome({ text: `${parts.join(', ')}.`, tone: unreachable > 0 ? 'warn' : 'ok' });
    void load();
  };

  if (!detail) {
    return (
      <div className="panel" role="status">
        {error ? `${error}` : 'Loading the push…'} {error && <a href="#/push">Back to the pushes</a>}
      </div>
    );
  }
  const c = detail.summary.counts;
  const retryable = c.failed + c['rolled-back'] + c.expired + c.cancelled;
  const open = c.queued + c.sent + c.held;
  const waiting = detail.summary.waitingForRemote;
  return (
    <>
      <div className="screen-head">
        <a className="back" href="#/push">
          ← Pushes
        </a>
        <h1 className="title">
          {objectName(detail.object)} · version {detail.version}
        </h1>
        <span className={`badge push-${detail.state}`} data-state={detail.state}>
          {detail.state}
        </span>
        <span className="muted">
          by {detail.author}, {formatClock(detail.createdAt)}
          {detail.canary !== null && ` · canary ${detail.canary}`}
          {detail.expiresAt !== null && ` · deadline ${formatClock(detail.expiresAt)}`}
        </span>
      </div>
      <section className="panel" aria-label="Progress">
        <Bar detail={detail} />
        <StateCounts counts={c} total={detail.summary.total} />
        {detail.haltReason && (
          <p className="notice tone-bad" role="alert">
            Halted: {detail.haltReason}. Fix the remote and choose Retry failed to go on, or Cancel.
          </p>
        )}
        {waiting.count > 0 && waiting.oldest && (
          <p className="muted">
            {waiting.count} sent — waiting for their remotes (offline or slow); the longest{' '}
            {waiting.oldest.remote} for {formatDuration(waiting.oldest.ageMs + (now - detail.at))}. They apply
            it when they come back.
          </p>
        )}
        <div className="push-actions">
          <button
            type="button"
            className="button"
            disabled={busy !== null || retryable === 0}
            onClick={() => void retry()}
          >
            Retry failed{retryable > 0 ? ` (${retryable})` : ''}
          </button>
          <button
            type="button"
            className="button danger"
            disabled={busy !== null || open === 0 || detail.state === 'cancelled'}
            onClick={() => void cancel()}
          >
            Cancel
          </button>
          <span role="status" aria-live="polite" className={outcome ? `tone-${outcome.tone}` : ''}>
            {busy === 'cancel'
              ? 'Withdrawing from the broker…'
              : busy === 'retry'
                ? 'Retrying…'
                : (outcome?.text ?? '')}
          </span>
        </div>
      </section>
      <DeliveryTable detail={detail} now={now} />
    </>
  );
}
