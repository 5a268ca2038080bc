// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { Alert, AlertRule } from '../../../src-shared/ipc/alert-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { NotifierContext, type Notifier } from '../../api/notify';
import type { NotifyPermission } from '../../store/alerts-slice';
import { createSmtStore, type SmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { App } from '../App';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id,
  rule: 'remote-offline',
  severity: 'critical',
  subject: 'r-0003',
  remoteId: 'r-0003',
  state: 'firing',
  message: 'r-0003 silent for 40 s (threshold 30 s)',
  value: 40,
  firedAt: NOW - 60_000,
  acknowledgedAt: null,
  acknowledgedBy: null,
  comment: null,
  resolvedAt: null,
  ...over,
});
const alerts = [
  alert('a-1'),
  alert('a-2', {
    rule: 'disk-high',
    severity: 'warning',
    subject: 'r-0007',
    remoteId: 'r-0007',
    firedAt: NOW - 1_000,
  }),
  alert('a-3', {
    state: 'acknowledged',
    acknowledgedAt: NOW - 500,
    acknowledgedBy: 'ops',
    comment: 'rebooting',
  }),
  alert('a-4', { state: 'resolved', resolvedAt: NOW - 100 }),
];
const rule: AlertRule = {
  kind: 'cpu-high',
  enabled: true,
  severity: 'warning',
  threshold: 90,
  hysteresis: 5,
  holdS: 60,
};

let root: Root;
let host: HTMLElement;
let store: SmtStore;
let calls: { name: string; args: unknown }[];
let answers: Partial<SmtApi>;

function render(permission: NotifyPermission = 'granted') {
  store = createSmtStore();
  store.getState().setStart(openStartState('IPAM A', 'c'));
  store.getState().syncClock(NOW);
  store.getState().setLink({ kind: 'open', since: 1 }, 0);
  store.getState().alertsLoaded({ alerts, firing: 2, generatedAt: NOW });
  store.getState().navigate({ screen: 'alerts' });
  const api = namedApi(
    (name) =>
      ((...args: unknown[]) => {
        calls.push({ name, args: args[0] });
        const answer = answers[name] as ((...a: unknown[]) => unknown) | undefined;
        return answer ? answer(...args) : Promise.resolve(err('not-found', `not in this test: ${name}`));
      }) as never,
    () => () => () => undefined,
  ) as SmtApi;
  const notifier: Notifier = {
    permission: () => permission,
    request: async () => 'granted',
    show: () => true,
  };
  act(() =>
    root.render(
      <StoreContext.Provider value={store}>
        <ApiContext.Provider value={api}>
          <NotifierContext.Provider value={notifier}>
            <App />
          </NotifierContext.Provider>
        </ApiContext.Provider>
      </StoreContext.Provider>,
    ),
  );
}

const rowIds = () =>
  [...host.querySelectorAll<HTMLElement>('tr[data-alert-id]')].map((r) => r.dataset.alertId);
const button = (text: string) => {
  const b = [...host.querySelectorAll('button')].find((x) => x.textContent?.trim().startsWith(text));
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};
const click = (el: HTMLElement) =>
  act(async () => {
    el.click();
  });
const type = (input: HTMLInputElement, value: string) =>
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
const input = (label: string) => {
  const el = host.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`);
  if (!el) throw new Error(`no input "${label}"`);
  return el;
};

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  calls = [];
  answers = {};
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

describe('the Alerts screen', () => {
  it('shows what needs the admin, newest first, and filters by state, severity and search', async () => {
    render();
    // a-1 and a-3 fired at once: by id.
    expect(rowIds()).toEqual(['a-2', 'a-1', 'a-3']);
    expect(host.querySelector('[data-alert-id="a-3"] [data-testid="alert-ack"]')?.textContent).toContain(
      'by ops',
    );
    await click(button('resolved'));
    expect(rowIds()).toContain('a-4');
    expect(host.querySelector('[data-alert-id="a-4"] [data-testid="alert-resolved"]')).not.toBeNull();
    await type(input('Search alerts'), 'r-0007');
    expect(rowIds()).toEqual(['a-2']);
    act(() => store.getState().setAlertsSort('severity'));
    await type(input('Search alerts'), '');
    expect(rowIds()[0]).not.toBe('a-2');
  });

  it('acknowledges the picked firing alerts with the comment (the contract’s AckRequest)', async () => {
    render();
    answers.ackAlerts = async () => ok({ acknowledged: ['a-1'], refused: [] });
    answers.listAlerts = async () => ok({ alerts, firing: 1, generatedAt: NOW + 1 });
    expect(input('Select a-3').disabled).toBe(true);
    expect(button('Acknowledge').disabled).toBe(true);
    await click(input('Select a-1'));
    await type(input('Comment'), '  on it  ');
    await click(button('Acknowledge 1'));
    expect(calls.find((c) => c.name === 'ackAlerts')?.args).toEqual({ ids: ['a-1'], comment: 'on it' });
    expect(host.querySelector('[data-testid="ack-result"]')?.textContent).toContain('Acknowledged 1.');
    expect(store.getState().alertsSelected).toEqual([]);
  });

  it('marks a view older than the last alertsChanged event as stale', () => {
    render();
    expect(host.querySelector('[data-testid="alerts-stale"]')).toBeNull();
    act(() => store.getState().alertsChanged({ at: NOW + 5, firing: 3 }));
    expect(host.querySelector('[data-testid="alerts-stale"]')).not.toBeNull();
    expect(host.querySelector('[data-testid="alerts-firing"]')?.textContent).toContain('3 firing');
  });

  it('says when the browser blocks notifications, and asks only from the button', async () => {
    render('denied');
    expect(host.querySelector('[data-testid="notify-status"]')?.textContent).toContain('blocked');
    act(() => root.unmount());
    root = createRoot(host);
    render('default');
    await click(button('Turn on desktop notifications'));
    expect(store.getState().notifyPermission).toBe('granted');
    expect(host.querySelector('[data-testid="notify-status"]')).toBeNull();
  });

  it('edits the rules with the contract’s messages per field, and saves them', async () => {
    render();
    answers.getAlertRules = async () => ok([rule]);
    answers.saveAlertRules = async (r) => ok(r);
    await click(button('Rules'));
    const hysteresis = input('CPU high: hysteresis');
    await type(hysteresis, '95');
    expect(host.querySelector('[data-field="hysteresis"]')?.textContent).toBe(
      'the hysteresis band cannot be wider than the threshold',
    );
    expect(button('Save rules').disabled).toBe(true);
    await type(hysteresis, '3');
    await type(input('CPU high: hold (s)'), '');
    expect(host.querySelector('[data-field="holdS"]')?.textContent).toBe('enter a number');
    await type(input('CPU high: hold (s)'), '30');
    await click(button('Save rules'));
    expect(calls.find((c) => c.name === 'saveAlertRules')?.args).toEqual([
      { ...rule, hysteresis: 3, holdS: 30 },
    ]);
    expect(host.querySelector('[data-testid="alert-rules-saved"]')).not.toBeNull();
  });

  it('opens from the top bar’s firing count', async () => {
    render();
    act(() => store.getState().navigate({ screen: 'fleet' }));
    const link = host.querySelector<HTMLAnchorElement>('[data-testid="alerts-firing"]');
    expect(link?.getAttribute('href')).toBe('#/alerts');
    expect(link?.textContent).toContain('2 firing');
  });
});
