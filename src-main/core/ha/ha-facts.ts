import type { HaPairView } from '../../../src-shared/ipc/ha-views';
import type { HaFact } from '../alerts/facts';

/**
 * The pairs as the `ha-partner` rule reads them: one fact a pair, unhealthy when a partner is down, the
 * pair disagrees or it is between states (the rule's hold time lets a restart's syncing pass). An unknown
 * pair (stale, unreadable) says nothing now: its alert neither fires nor resolves, and the remote's
 * offline or service-down alert tells the admin why.
 */
export function haFacts(pairs: readonly HaPairView[]): HaFact[] {
  return pairs.flatMap((p) =>
    p.verdict === 'unknown'
      ? []
      : [
          {
            remoteId: p.remoteId,
            // The first side (by server name) keeps two pairs that kept Kea's example names apart.
            subject: `ha:${p.name}@${p.sides[0]?.remoteId ?? p.remoteId}`,
            healthy: p.verdict === 'healthy',
            detail:
              p.verdict === 'healthy'
                ? `HA pair ${p.name}: ${p.detail}`
                : `HA pair ${p.name} ${p.verdict}: ${p.detail}`,
          },
        ],
  );
}
