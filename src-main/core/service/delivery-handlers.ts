import type { RemoteDelivery } from '../../../src-shared/ipc/delivery-views';
import type { HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

export const deliveryHandlers = (session: () => ProfileSession): HandlersOf<'getRemoteDeliveries'> => ({
  getRemoteDeliveries: ({ remoteId, limit }) => {
    const store = session().push.store;
    const deliveries = store.deliveriesOf(remoteId, limit).map((d): RemoteDelivery => ({
      pushId: d.pushId,
      object: d.object,
      version: d.version,
      state: d.state.kind,
      attempt: d.state.attempt,
      since: d.state.since,
      ...('reason' in d.state && d.state.reason !== undefined ? { reason: d.state.reason } : {}),
    }));
    const waiting = store.waitingOf(remoteId);
    const oldest = Math.min(...waiting.map((s) => s.queuedAt));
    return {
      remoteId,
      deliveries,
      backlog: {
        queued: waiting.filter((s) => s.kind === 'queued').length,
        sent: waiting.filter((s) => s.kind === 'sent').length,
        oldestQueuedAt: waiting.length > 0 ? oldest : null,
      },
    };
  },
});
