import type {
  DeliveryView,
  PushDetail,
  PushListItem,
  PushProgressEvent,
} from '../../../src-shared/ipc/push-views';
import type { Deliveries, DeliveryState } from '../../../src-shared/push/delivery';
import { summarize } from '../../../src-shared/push/summary';
import type { PushRecord } from '../store/push-store';
import type { PushProgress } from './progress-feed';

/** The list line of a push: what it is, who made it, and its counts; no payload, no deliveries. */
export function toPushListItem(p: PushRecord, deliveries: Deliveries, now: number): PushListItem {
  return {
    id: p.id,
    object: p.object,
    op: p.op,
    version: p.version,
    createdAt: p.createdAt,
    author: p.author,
    state: p.state,
    haltReason: p.haltReason,
    canary: p.canary,
    expiresAt: p.expiresAt,
    summary: summarize(p.targets, deliveries, now),
  };
}

const reasonOf = (s: DeliveryState): string | null =>
  s.kind === 'failed' || s.kind === 'rolled-back' || s.kind === 'superseded' ? (s.reason ?? null) : null;

/** The push with one row per target, in target order; a target a canary holds back is `held`. */
export function toPushDetail(p: PushRecord, deliveries: Deliveries, now: number): PushDetail {
  const rows: DeliveryView[] = p.targets.map((remoteId) => {
    const s = deliveries.get(remoteId);
    if (!s) return { remoteId, state: 'held', since: null, attempt: 0, sentAt: null, reason: null };
    return {
      remoteId,
      state: s.kind,
      since: s.since,
      attempt: s.attempt,
      sentAt: s.sentAt ?? null,
      reason: reasonOf(s),
    };
  });
  return { ...toPushListItem(p, deliveries, now), deliveries: rows, at: now };
}

export const toProgressEvent = (p: PushProgress, at: number): PushProgressEvent => ({
  pushId: p.pushId,
  state: p.state,
  haltReason: p.haltReason,
  summary: p.summary,
  at,
});
