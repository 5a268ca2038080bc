import {
  refusing,
  reservationProblems,
  type Reservation,
  type ReservationProblem,
} from '../../../src-shared/config/reservations';
import type { IntendedScopeView } from '../../../src-shared/ipc/reservation-views';

/** The form under the list: adding a reservation, or editing the one at `index` of the working list. */
export type FormMode = { kind: 'adding' } | { kind: 'editing'; index: number };
export interface FormFields {
  ipAddress: string;
  hwAddress: string;
  hostname: string;
}
export const emptyFields: FormFields = { ipAddress: '', hwAddress: '', hostname: '' };

export const fieldsOf = (r: Reservation): FormFields => ({
  ipAddress: r.ipAddress,
  hwAddress: r.hwAddress,
  hostname: r.hostname ?? '',
});

const reservationOf = (f: FormFields): Reservation => {
  const hostname = f.hostname.trim();
  return {
    ipAddress: f.ipAddress.trim(),
    hwAddress: f.hwAddress.trim().toLowerCase(),
    ...(hostname === '' ? {} : { hostname }),
  };
};

/** The working list with the form applied: appended when adding, in place when editing. */
export function withForm(list: readonly Reservation[], mode: FormMode, fields: FormFields): Reservation[] {
  const r = reservationOf(fields);
  return mode.kind === 'adding' ? [...list, r] : list.map((x, i) => (i === mode.index ? r : x));
}

/**
 * What is wrong with the form's reservation against the rest of the list, as the console will judge it
 * (the same reservationProblems): shown inline before anything is planned.
 */
export function formProblems(
  intended: IntendedScopeView,
  list: readonly Reservation[],
  mode: FormMode,
  fields: FormFields,
  allowInPool: boolean,
): ReservationProblem[] {
  const candidate = withForm(list, mode, fields);
  const at = mode.kind === 'adding' ? candidate.length - 1 : mode.index;
  return refusing(
    reservationProblems(intended.scope, candidate, intended.scope.reservations),
    allowInPool,
  ).filter((p) => p.index === at);
}
