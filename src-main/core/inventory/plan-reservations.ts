import type { z } from 'zod';
import { refusing, reservationProblems } from '../../../src-shared/config/reservations';
import { DhcpScope } from '../../../src-shared/config/scope';
import type { ObjectView, PlannedPush } from '../../../src-shared/ipc/inventory-views';
import type { IntendedScopeView, ReservationsPlanQuery } from '../../../src-shared/ipc/reservation-views';
import { objectLabel } from '../push/preview';
import { ActionRefused, type PushHistory } from './plan-actions';

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const remotesWord = (n: number) => `${n} remote${n === 1 ? '' : 's'}`;

type Reservation = DhcpScope['reservations'][number];
const macOf = (r: Reservation) => r.hwAddress.toLowerCase();
const sameAs = (a: Reservation, b: Reservation) =>
  a.ipAddress === b.ipAddress && (a.hostname ?? '') === (b.hostname ?? '');

/** What the edit does, by host (a host is known by its MAC), for the plan's summary. */
function changeCounts(before: readonly Reservation[], after: readonly Reservation[]) {
  const old = new Map(before.map((r) => [macOf(r), r]));
  const now = new Set(after.map(macOf));
  let added = 0;
  let changed = 0;
  for (const r of after) {
    const was = old.get(macOf(r));
    if (!was) added++;
    else if (!sameAs(was, r)) changed++;
  }
  return { added, changed, removed: before.filter((r) => !now.has(macOf(r))).length };
}

/**
 * The scope as the intended version set it, and the remotes a change of it goes to (every remote the
 * console pushed it to: an unknown or drifted one is to get the change too; an extra one is not ours).
 */
export function intendedScope(view: ObjectView, history: PushHistory): IntendedScopeView {
  const label = objectLabel(view.object);
  if (view.object.kind !== 'scope') throw new ActionRefused('bad-request', `${label} is not a DHCP scope`);
  const intended = view.intended;
  if (intended === null) {
    throw new ActionRefused(
      'bad-request',
      `${label} was never pushed through this profile: push the scope from a draft (or adopt it) before editing its reservations`,
    );
  }
  const base = history.pushAt(intended.version);
  if (intended.op === 'delete' || base?.payload?.format !== 'kea-subnet4') {
    throw new ActionRefused(
      'not-found',
      intended.op === 'delete'
        ? `${label} was deleted (version ${intended.version}): there are no reservations to edit`
        : `version ${intended.version} of ${label} is not in this profile's push history`,
    );
  }
  const remoteIds = view.remotes
    .filter((r) => r.state !== 'extra')
    .map((r) => r.remoteId)
    .sort(byId);
  return {
    key: view.key,
    version: intended.version,
    scope: DhcpScope.parse(base.payload.scope),
    remoteIds,
  };
}

/**
 * The intended scope with the edited reservations, as a push planned like a revert (a new version to every
 * remote the scope is on): nothing is sent here; the Push screen and `smt` preview and start it. Refused,
 * with every problem named, when a reservation collides or the intended version moved since the edit began.
 */
export function planReservations(
  view: ObjectView,
  history: PushHistory,
  query: Pick<z.infer<typeof ReservationsPlanQuery>, 'baseVersion' | 'reservations' | 'allowInPool'>,
): PlannedPush {
  const current = intendedScope(view, history);
  const label = objectLabel(view.object);
  if (current.version !== query.baseVersion) {
    throw new ActionRefused(
      'bad-request',
      `${label} moved to version ${current.version} since this edit began from version ${query.baseVersion}: reload its reservations and make the change again`,
    );
  }
  const problems = refusing(
    reservationProblems(current.scope, query.reservations, current.scope.reservations),
    query.allowInPool === true,
  );
  if (problems.length > 0) {
    throw new ActionRefused('bad-request', problems.map((p) => p.message).join('; '));
  }
  if (current.remoteIds.length === 0) {
    throw new ActionRefused('bad-request', `${label} is on no remote this console pushed it to`);
  }
  const scope = DhcpScope.parse({ ...current.scope, reservations: query.reservations });
  const version = history.maxVersion + 1;
  const { added, changed, removed } = changeCounts(current.scope.reservations, scope.reservations);
  if (added + changed + removed === 0) {
    throw new ActionRefused(
      'bad-request',
      `the reservations of ${label} are as version ${current.version} has them: nothing to push`,
    );
  }
  return {
    request: {
      object: view.object,
      version,
      op: 'upsert',
      payload: { format: 'kea-subnet4', scope },
      selector: { kind: 'ids', ids: current.remoteIds },
    },
    summary: `reservations of ${label}: ${added} added, ${changed} changed, ${removed} removed (${scope.reservations.length} in all) as version ${version} on ${remotesWord(current.remoteIds.length)}`,
    remoteIds: current.remoteIds,
  };
}
