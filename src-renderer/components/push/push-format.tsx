import type { DeliveryStateName, PushListItem } from '../../../src-shared/ipc';

/** The order an admin reads a push's states in: what is done well, what is moving, what needs a look. */
export const stateOrder: DeliveryStateName[] = [
  'applied',
  'superseded',
  'delivered',
  'sent',
  'queued',
  'held',
  'failed',
  'rolled-back',
  'expired',
  'cancelled',
];

export const objectName = (o: PushListItem['object']) =>
  o.kind === 'zone' ? `zone ${o.name}` : `scope ${o.subnet}`;

/** Counts per delivery state, only the states that have any, as chips named for tests and readers. */
export function StateCounts({ counts, total }: { counts: PushListItem['summary']['counts']; total: number }) {
  return (
    <ul className="chips" aria-label="Counts per state">
      {stateOrder
        .filter((s) => (counts[s] ?? 0) > 0)
        .map((s) => (
          <li key={s} className={`chip state-${s}`} data-state={s} aria-label={`${s} ${counts[s]}`}>
            {s} <span className="num">{counts[s]}</span>
          </li>
        ))}
      <li className="chip total" aria-label={`total ${total}`}>
        of <span className="num">{total}</span>
      </li>
    </ul>
  );
}
