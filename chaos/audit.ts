import type { DeliveryState } from '../src-shared/push/delivery';
import type { LedgerLine } from '../tests/helpers/push-console';

/** A push as the outbox holds it: the object's ledger key ("zone:<name>", "scope:<cidr>"), version, targets. */
export interface PushFact {
  id: string;
  object: string;
  version: number;
  targets: readonly string[];
}

export type ProblemKind = 'lost' | 'duplicated' | 'out-of-order' | 'unconfirmed';

/** One (push, target) — or, for out-of-order, one ledger line — that breaks a promise, with its evidence. */
export interface Problem {
  kind: ProblemKind;
  remote: string;
  object: string;
  version: number;
  /** Absent for out-of-order, which is about a remote's ledger, not one push. */
  pushId?: string;
  /** The outbox's delivery state; absent when the outbox has no delivery for this target. */
  delivery?: DeliveryState;
  /** Every ledger line of this object on this remote, in file order. */
  ledger: LedgerLine[];
  why: string;
}

export interface AuditResult {
  pushes: number;
  /** (push, target) pairs. */
  deliveries: number;
  applied: number;
  superseded: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unconfirmed: number;
  problems: Problem[];
}

/**
 * Checks the outbox against the remotes' ledgers, the remote's own durable record of what it applied.
 * For each push and each of its targets, counting by the object's version (versions are unique per
 * object in the outbox, and the ledger records the version it applied):
 *
 * - applied: exactly one `applied` ledger line of that version. If the outbox does not say `applied`
 *   with that line's smt-id, the console never learnt it: **unconfirmed**.
 * - **duplicated**: more than one `applied` line of that version (applied twice).
 * - superseded: no line of that version, the remote reported it `superseded` (the outbox says so) and its
 *   ledger shows a newer version of the object applied. That is design.md §5's rule, not a loss.
 * - **lost**: anything else: no `applied` line and not legitimately superseded, including a `failed`
 *   line (the chaos run injects no validation faults) and a message the remote never saw because a
 *   newer one overtook it.
 * - **out of order**: per remote and object, an `applied` line whose version is below one applied
 *   before it in the ledger (an equal one is a duplicate, counted above).
 */
export function auditDeliveries(
  pushes: readonly PushFact[],
  deliveries: ReadonlyMap<string, ReadonlyMap<string, DeliveryState>>,
  ledgers: ReadonlyMap<string, readonly LedgerLine[]>,
): AuditResult {
  const r: AuditResult = {
    pushes: pushes.length,
    deliveries: 0,
    applied: 0,
    superseded: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    unconfirmed: 0,
    problems: [],
  };
  const linesOf = (remote: string, object: string) =>
    (ledgers.get(remote) ?? []).filter((l) => l.object === object);
  const problem = (p: PushFact, remote: string, kind: ProblemKind, why: string) => {
    const delivery = deliveries.get(p.id)?.get(remote);
    r.problems.push({
      kind,
      remote,
      object: p.object,
      version: p.version,
      pushId: p.id,
      ...(delivery ? { delivery } : {}),
      ledger: linesOf(remote, p.object),
      why,
    });
  };

  for (const p of pushes) {
    for (const remote of p.targets) {
      r.deliveries++;
      const d = deliveries.get(p.id)?.get(remote);
      const lines = linesOf(remote, p.object).filter((l) => l.version === p.version);
      const applied = lines.filter((l) => l.state === 'applied');
      if (applied.length > 1) {
        r.duplicated++;
        problem(p, remote, 'duplicated', `applied ${applied.length} times`);
        continue;
      }
      const [line] = applied;
      if (line) {
        r.applied++;
        if (d?.kind !== 'applied' || d.smtId !== line.id) {
          r.unconfirmed++;
          problem(p, remote, 'unconfirmed', `applied as ${line.id}, the outbox says ${d?.kind ?? 'nothing'}`);
        }
        continue;
      }
      const newer = linesOf(remote, p.object).find((l) => l.state === 'applied' && l.version > p.version);
      if (d?.kind === 'superseded' && newer) {
        r.superseded++;
        continue;
      }
      r.lost++;
      const failed = lines.find((l) => l.state !== 'applied');
      problem(
        p,
        remote,
        'lost',
        failed
          ? `${failed.state === 'failed' ? 'failed' : 'rolled back'} on the remote`
          : d?.kind === 'superseded'
            ? 'reported superseded, but no newer version is in the ledger'
            : newer
              ? `never applied; version ${newer.version} was applied instead`
              : 'never applied',
      );
    }
  }

  const objects = new Set(pushes.map((p) => p.object));
  for (const [remote, lines] of ledgers) {
    const highest = new Map<string, number>();
    for (const l of lines) {
      if (l.state !== 'applied' || !objects.has(l.object)) continue;
      const before = highest.get(l.object) ?? 0;
      if (l.version < before) {
        r.outOfOrder++;
        r.problems.push({
          kind: 'out-of-order',
          remote,
          object: l.object,
          version: l.version,
          ledger: linesOf(remote, l.object),
          why: `version ${l.version} applied after version ${before}`,
        });
      }
      highest.set(l.object, Math.max(before, l.version));
    }
  }
  return r;
}
