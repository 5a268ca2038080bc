import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../src-shared/push/delivery';
import type { LedgerLine } from '../tests/helpers/push-console';
import { auditDeliveries, type PushFact } from './audit';

const Z = 'zone:a.test';
const SHA = 'a'.repeat(64);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const push = (n: number, version: number, targets = ['r-0001']): PushFact => ({
  id: id(100 + n),
  object: Z,
  version,
  targets,
});
const state = (kind: DeliveryState['kind'], smt: number): DeliveryState => {
  const base = { attempt: 1, smtId: id(smt), queuedAt: 1, since: 2 };
  switch (kind) {
    case 'sent':
      return { kind, ...base, sentAt: 2 };
    case 'applied':
      return { kind, ...base, sha256: SHA };
    case 'failed':
    case 'rolled-back':
      return { kind, ...base, reason: 'why' };
    case 'queued':
    case 'delivered':
    case 'superseded':
    case 'expired':
    case 'cancelled':
      return { kind, ...base };
  }
};
const line = (smt: number, version: number, s: LedgerLine['state'] = 'applied'): LedgerLine => ({
  id: id(smt),
  state: s,
  object: Z,
  version,
});

/** One remote, pushes v1..vn with smt-ids 1..n; `kinds` are the outbox states, `ledger` the remote's lines. */
function audit(kinds: DeliveryState['kind'][], ledger: LedgerLine[]) {
  const pushes = kinds.map((_, i) => push(i, i + 1));
  const deliveries = new Map(
    pushes.map((p, i) => [p.id, new Map([['r-0001', state(kinds[i] ?? 'sent', i + 1)]])]),
  );
  return auditDeliveries(pushes, deliveries, new Map([['r-0001', ledger]]));
}

describe('auditDeliveries', () => {
  it.each([
    ['each applied once, in order', ['applied', 'applied'], [line(1, 1), line(2, 2)], { applied: 2 }],
    [
      'v1 superseded by v2 applied first',
      ['superseded', 'applied'],
      [line(2, 2)],
      { applied: 1, superseded: 1 },
    ],
    ['superseded with no newer version applied is lost', ['superseded'], [], { lost: 1 }],
    ['never reached the remote', ['sent'], [], { lost: 1 }],
    [
      'skipped while a newer one applied: lost, not superseded',
      ['sent', 'applied'],
      [line(2, 2)],
      { applied: 1, lost: 1 },
    ],
    ['failed on the remote is lost', ['failed'], [line(1, 1, 'failed')], { lost: 1 }],
    ['applied twice', ['applied'], [line(1, 1), line(1, 1)], { duplicated: 1, outOfOrder: 0 }],
    ['applied, the outbox still delivered', ['delivered'], [line(1, 1)], { applied: 1, unconfirmed: 1 }],
    [
      'applied under another smt-id than the outbox has',
      ['applied'],
      [line(9, 1)],
      { applied: 1, unconfirmed: 1 },
    ],
    [
      'an older version applied after a newer one',
      ['applied', 'applied'],
      [line(2, 2), line(1, 1)],
      { applied: 2, outOfOrder: 1 },
    ],
  ] as const)('%s', (_, kinds, ledger, expected) => {
    const r = audit([...kinds], [...ledger]);
    expect(r).toMatchObject({
      deliveries: kinds.length,
      applied: 0,
      superseded: 0,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unconfirmed: 0,
      ...expected,
    });
    const bad = r.lost + r.duplicated + r.outOfOrder + r.unconfirmed;
    expect(r.problems).toHaveLength(bad);
  });

  it('names the straggler with its delivery state and ledger lines', () => {
    const r = audit(['applied', 'sent', 'applied'], [line(1, 1), line(3, 3)]);
    expect(r.problems).toEqual([
      {
        kind: 'lost',
        remote: 'r-0001',
        object: Z,
        version: 2,
        pushId: id(101),
        delivery: state('sent', 2),
        ledger: [line(1, 1), line(3, 3)],
        why: 'never applied; version 3 was applied instead',
      },
    ]);
  });

  it('counts every target of a push and ignores other objects in the ledger', () => {
    const p = push(0, 1, ['r-0001', 'r-0002']);
    const deliveries = new Map([
      [
        p.id,
        new Map([
          ['r-0001', state('applied', 1)],
          ['r-0002', state('applied', 1)],
        ]),
      ],
    ]);
    const other: LedgerLine = { id: id(50), state: 'applied', object: 'zone:other.test', version: 9 };
    const ledgers = new Map([
      ['r-0001', [other, line(1, 1), { ...other, version: 1 }]],
      ['r-0002', [line(1, 1)]],
    ]);
    expect(auditDeliveries([p], deliveries, ledgers)).toMatchObject({
      deliveries: 2,
      applied: 2,
      outOfOrder: 0,
      problems: [],
    });
  });
});
