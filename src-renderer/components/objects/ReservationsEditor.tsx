import { useCallback, useEffect, useId, useState } from 'react';
import type { Reservation } from '../../../src-shared/config/reservations';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import type { IntendedScopeView } from '../../../src-shared/ipc/reservation-views';
import { useApi } from '../../api/context';
import { useLoad } from '../../api/use-load';
import { useSmt } from '../../store/react';
import {
  emptyFields,
  fieldsOf,
  formProblems,
  withForm,
  type FormFields,
  type FormMode,
} from './reservation-form';

type Planning = { kind: 'idle' } | { kind: 'busy' } | { kind: 'failed'; message: string };

/**
 * A scope's host reservations (docs/reservations.md): the intended list, edited here, then planned by the
 * console as an ordinary push that opens on the Push screen, where the preview shows each remote's diff
 * and the push goes out with its canary like any other. Nothing is sent from here.
 */
export function ReservationsEditor({ object: o }: { object: ObjectView }) {
  const api = useApi();
  const read = useCallback(() => api.getIntendedScope({ key: o.key }), [api, o.key]);
  const { value, error, busy } = useLoad(read, { refreshOn: [o.intended?.version] });
  return (
    <section aria-labelledby="reservations-title" className="object-reservations" data-testid="reservations">
      <h3 id="reservations-title">Reservations</h3>
      {error && (
        <p role="alert" className="field-error">
          Could not load the intended scope: {error}
        </p>
      )}
      {!value && busy && <p className="muted">Loading the reservations…</p>}
      {/* A new intended version starts the edit again from it (keyed by version). */}
      {value && <ReservationsForm key={value.version} intended={value} />}
    </section>
  );
}

function ReservationsForm({ intended }: { intended: IntendedScopeView }) {
  const api = useApi();
  const ids = useId();
  const openPlannedPush = useSmt((s) => s.openPlannedPush);
  const [list, setList] = useState<Reservation[]>(intended.scope.reservations);
  const [mode, setMode] = useState<FormMode>({ kind: 'adding' });
  const [fields, setFields] = useState<FormFields>(emptyFields);
  const [allowInPool, setAllowInPool] = useState(false);
  const [planning, setPlanning] = useState<Planning>({ kind: 'idle' });
  useEffect(() => setPlanning({ kind: 'idle' }), [list, allowInPool]);

  const touched = fields.ipAddress !== '' || fields.hwAddress !== '';
  const problems = touched ? formProblems(intended, list, mode, fields, allowInPool) : [];
  const problemOf = (field: keyof FormFields) => problems.find((p) => p.field === field)?.message;
  const changed = JSON.stringify(list) !== JSON.stringify(intended.scope.reservations);

  const submit = () => {
    if (!touched || problems.length > 0) return;
    setList(withForm(list, mode, fields));
    setMode({ kind: 'adding' });
    setFields(emptyFields);
  };
  const plan = async () => {
    if (planning.kind === 'busy') return;
    setPlanning({ kind: 'busy' });
    const r = await api.planReservations({
      key: intended.key,
      baseVersion: intended.version,
      reservations: list,
      ...(allowInPool ? { allowInPool } : {}),
    });
    if (!r.ok) return setPlanning({ kind: 'failed', message: r.error.message });
    setPlanning({ kind: 'idle' });
    openPlannedPush(r.value);
  };
  const input = (field: keyof FormFields, label: string, hint: string) => {
    const problem = problemOf(field);
    // The message is the field's description, so a screen reader says why the field is invalid with it.
    const problemId = `${ids}-${field}-problem`;
    return (
      <label>
        {label}
        <span className="field">
          <input
            aria-label={label}
            placeholder={hint}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? problemId : undefined}
            value={fields[field]}
            onChange={(e) => setFields({ ...fields, [field]: e.target.value })}
          />
          {problem && (
            <span id={problemId} className="field-error">
              {problem}
            </span>
          )}
        </span>
      </label>
    );
  };

  return (
    <>
      <p className="muted">
        Intended version {intended.version}; a change goes to {intended.remoteIds.length} remote
        {intended.remoteIds.length === 1 ? '' : 's'} ({intended.remoteIds.join(', ')}), previewed first.
      </p>
      <table className="grid compact" aria-label={`Reservations of ${intended.scope.subnet}`}>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">MAC</th>
            <th scope="col">Host name</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No reservations.
              </td>
            </tr>
          )}
          {list.map((r, i) => (
            <tr
              key={`${r.hwAddress} ${i}`}
              data-mac={r.hwAddress}
              aria-current={mode.kind === 'editing' && mode.index === i ? 'true' : undefined}
            >
              <td className="mono">{r.ipAddress}</td>
              <td className="mono">{r.hwAddress}</td>
              <td>{r.hostname ?? ''}</td>
              <td>
                {/* Named for the row: a list of bare "Edit" buttons says nothing to a screen reader. */}
                <button
                  type="button"
                  className="button small"
                  aria-label={`Edit the reservation of ${r.hwAddress}`}
                  onClick={() => {
                    setMode({ kind: 'editing', index: i });
                    setFields(fieldsOf(r));
                  }}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Delete the reservation of ${r.hwAddress}`}
                  onClick={() => {
                    setList(list.filter((_, j) => j !== i));
                    setMode({ kind: 'adding' });
                    setFields(emptyFields);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="reservation-form"
        aria-label={mode.kind === 'adding' ? 'Add a reservation' : 'Edit the reservation'}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {input('ipAddress', 'Address', intended.scope.subnet.replace(/0\/\d+$/, '10'))}
        {input('hwAddress', 'MAC', '52:54:00:12:34:56')}
        {input('hostname', 'Host name', 'printer (optional)')}
        <button type="submit" className="button small" disabled={!touched || problems.length > 0}>
          {mode.kind === 'adding' ? 'Add' : 'Save'}
        </button>
        {mode.kind === 'editing' && (
          <button
            type="button"
            className="button small"
            onClick={() => {
              setMode({ kind: 'adding' });
              setFields(emptyFields);
            }}
          >
            Cancel
          </button>
        )}
      </form>
      <label>
        <input type="checkbox" checked={allowInPool} onChange={(e) => setAllowInPool(e.target.checked)} />{' '}
        Allow reservations inside a pool (a client may hold the address as a lease until it expires)
      </label>
      {planning.kind === 'failed' && (
        <p role="alert" className="field-error" data-testid="reservations-refused">
          {planning.message}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="button small primary"
          disabled={!changed || planning.kind === 'busy'}
          onClick={() => void plan()}
          title="Plan the changed scope as a push: the Push screen previews it on every remote first"
        >
          Preview and push
        </button>
        <button
          type="button"
          className="button small"
          disabled={!changed}
          onClick={() => {
            setList(intended.scope.reservations);
            setMode({ kind: 'adding' });
            setFields(emptyFields);
          }}
        >
          Discard changes
        </button>
      </div>
    </>
  );
}
