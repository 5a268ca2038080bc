// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { ObjectView, PlannedPush } from '../../../src-shared/ipc/inventory-views';
import type { IntendedScopeView } from '../../../src-shared/ipc/reservation-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { createSmtStore, type SmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { remoteRow, zoneView } from '../../testing/objects';
import { ReservationsEditor } from './ReservationsEditor';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const printer = { ipAddress: '192.0.2.10', hwAddress: '52:54:00:12:34:56', hostname: 'printer' };
const intended: IntendedScopeView = {
  key: 'scope:192.0.2.0/24',
  version: 3,
  scope: {
    subnet: '192.0.2.0/24',
    id: 7,
    pools: [{ start: '192.0.2.100', end: '192.0.2.199' }],
    options: [],
    reservations: [printer],
  },
  remoteIds: ['dhcp-1'],
};
const object: ObjectView = {
  ...zoneView('unused', [remoteRow('dhcp-1', 'in-sync', NOW)]),
  key: 'scope:192.0.2.0/24',
  object: { kind: 'scope', subnet: '192.0.2.0/24' },
};

let root: Root;
let host: HTMLElement;
let store: SmtStore;
let calls: { name: string; args: unknown }[];
let answers: Partial<SmtApi>;

async function render() {
  store = createSmtStore();
  store.getState().setStart(openStartState('IPAM A', 'c'));
  store.getState().syncClock(NOW);
  const api = namedApi(
    (name) =>
      ((...args: unknown[]) => {
        calls.push({ name, args: args[0] });
        const answer = answers[name] as ((...a: unknown[]) => unknown) | undefined;
        return answer ? answer(...args) : Promise.resolve(err('not-found', `not in this test: ${name}`));
      }) as never,
    () => () => () => undefined,
  ) as SmtApi;
  await act(async () =>
    root.render(
      <StoreContext.Provider value={store}>
        <ApiContext.Provider value={api}>
          <ReservationsEditor object={object} />
        </ApiContext.Provider>
      </StoreContext.Provider>,
    ),
  );
}

const button = (text: string) => {
  const b = [...host.querySelectorAll('button')].find((x) => x.textContent?.trim() === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};
const input = (label: string) => {
  const i = host.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`);
  if (!i) throw new Error(`no input ${label}`);
  return i;
};
const type = (label: string, value: string) =>
  act(() => {
    const el = input(label);
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
const click = (el: HTMLElement) =>
  act(async () => {
    el.click();
  });
const listed = () =>
  [...host.querySelectorAll('tbody tr[data-mac]')].map((r) =>
    [...r.querySelectorAll('td')].slice(0, 3).map((c) => c.textContent),
  );
const errors = () => [...host.querySelectorAll('.field-error')].map((e) => e.textContent);

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  calls = [];
  answers = { getIntendedScope: async () => ok(intended) };
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

describe('ReservationsEditor', () => {
  it('lists the intended reservations, adds, edits and deletes, and opens the Push screen with the plan', async () => {
    const planned: PlannedPush = {
      request: {
        object: object.object,
        version: 4,
        op: 'upsert',
        payload: { format: 'kea-subnet4', scope: intended.scope },
        selector: { kind: 'ids', ids: ['dhcp-1'] },
      },
      summary: 'reservations of scope 192.0.2.0/24: 1 added',
      remoteIds: ['dhcp-1'],
    };
    answers.planReservations = async () => ok(planned);
    await render();
    expect(calls[0]).toEqual({ name: 'getIntendedScope', args: { key: 'scope:192.0.2.0/24' } });
    expect(listed()).toEqual([['192.0.2.10', '52:54:00:12:34:56', 'printer']]);
    expect(button('Preview and push').disabled).toBe(true);
    // Each row's buttons say whose reservation they act on.
    expect(
      [...host.querySelectorAll('tbody tr[data-mac] button')].map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Edit the reservation of 52:54:00:12:34:56', 'Delete the reservation of 52:54:00:12:34:56']);

    type('Address', '192.0.2.11');
    type('MAC', '52:54:00:AA:BB:CC');
    await click(button('Add'));
    expect(listed()).toEqual([
      ['192.0.2.10', '52:54:00:12:34:56', 'printer'],
      ['192.0.2.11', '52:54:00:aa:bb:cc', ''],
    ]);
    await click(
      host.querySelectorAll<HTMLButtonElement>('tbody tr[data-mac] button')[0] as HTMLButtonElement,
    );
    expect(input('Address').value).toBe('192.0.2.10');
    type('Host name', 'printer-2');
    await click(button('Save'));
    expect(listed()[0]).toEqual(['192.0.2.10', '52:54:00:12:34:56', 'printer-2']);
    await click(
      host.querySelectorAll<HTMLButtonElement>('tbody tr[data-mac] button')[1] as HTMLButtonElement,
    );
    expect(listed()).toEqual([['192.0.2.11', '52:54:00:aa:bb:cc', '']]);

    await click(button('Preview and push'));
    expect(calls.at(-1)).toEqual({
      name: 'planReservations',
      args: {
        key: 'scope:192.0.2.0/24',
        baseVersion: 3,
        reservations: [{ ipAddress: '192.0.2.11', hwAddress: '52:54:00:aa:bb:cc' }],
      },
    });
    expect(store.getState().pushPlan).toMatchObject({ ...planned, seq: 1 });
    expect(store.getState().route).toMatchObject({ screen: 'push' });
  });

  it('says inline what collides, naming the reservation, and adds nothing', async () => {
    await render();
    type('Address', '192.0.2.10');
    type('MAC', '52:54:00:aa:bb:cc');
    expect(errors()).toEqual([
      'reservation 192.0.2.10 for 52:54:00:aa:bb:cc: 192.0.2.10 is already reserved for 52:54:00:12:34:56',
    ]);
    expect(button('Add').disabled).toBe(true);
    // The message is the invalid field's description (what a screen reader says with it), the other
    // fields have none.
    const described = input('Address').getAttribute('aria-describedby') ?? '';
    expect(input('Address').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(described)?.textContent).toBe(errors()[0]);
    expect(input('MAC').hasAttribute('aria-describedby')).toBe(false);
    type('Address', '192.0.2.150');
    expect(errors()[0]).toContain('is inside the pool 192.0.2.100-192.0.2.199');
    await act(async () => {
      host.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click();
    });
    expect(errors()).toEqual([]);
    type('MAC', 'not-a-mac');
    expect(errors()[0]).toContain('"not-a-mac" is not a MAC address');
    expect(calls.map((c) => c.name)).toEqual(['getIntendedScope']);
  });

  it('shows the console’s refusal and opens no push', async () => {
    answers.planReservations = async () =>
      err('bad-request', 'scope 192.0.2.0/24 moved to version 4 since this edit began from version 3');
    await render();
    type('Address', '192.0.2.12');
    type('MAC', '52:54:00:00:00:01');
    await click(button('Add'));
    await click(button('Preview and push'));
    expect(host.querySelector('[data-testid="reservations-refused"]')?.textContent).toContain(
      'moved to version 4',
    );
    expect(store.getState().pushPlan).toBeNull();
  });
});
