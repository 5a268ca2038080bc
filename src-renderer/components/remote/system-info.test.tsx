// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAlertRules } from '../../../src-shared/alerts/rules';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { AlertRules } from '../../../src-shared/ipc/alert-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { createSmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { remote } from '../../testing/remote';
import { App } from '../App';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = Date.UTC(2027, 0, 1, 12);
const DAY = 86_400_000;
const certIn = (days: number) => NOW + days * DAY + 60_000;

let root: Root;
let host: HTMLElement;
beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

/** The Remote screen of `id` with the profile's cert-expiry threshold at `threshold` days. */
async function show(remotes: ReturnType<typeof remote>[], id: string, threshold: number) {
  const store = createSmtStore();
  store.getState().setStart(openStartState('IPAM A', 'c'));
  store.getState().syncClock(NOW);
  store.getState().loadSnapshot({ at: NOW, remotes });
  store.getState().navigate({ screen: 'remote', remoteId: id });
  const rules: AlertRules = [{ ...defaultAlertRules['cert-expiry'], threshold }];
  let asked = 0;
  const api = namedApi(
    (name) =>
      ((): Promise<unknown> => {
        if (name !== 'getAlertRules') return Promise.resolve(err('not-found', `not in this test: ${name}`));
        asked++;
        return Promise.resolve(ok(rules));
      }) as never,
    () => () => () => undefined,
  ) as SmtApi;
  await act(async () => {
    root.render(
      <StoreContext.Provider value={store}>
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      </StoreContext.Provider>,
    );
  });
  const row = [...host.querySelectorAll('#sysinfo-title ~ table tr')].find(
    (tr) => tr.querySelector('th')?.textContent === 'Certificate expires',
  ) as HTMLElement | undefined;
  return { row, asked };
}

describe('Remote screen: certificate expiry', () => {
  it("shows the date the agent's hello reported, highlighted within the profile's threshold", async () => {
    const { row, asked } = await show([remote('r-0001', NOW, { certNotAfter: certIn(5) })], 'r-0001', 7);
    expect(asked).toBe(1);
    expect(row?.textContent).toContain('2027-01-06 (5 days left)');
    expect(row?.dataset.certWarn).toBe('true');
    expect(row?.querySelector('td')?.className).toBe('tone-warn');
    expect(row?.querySelector('td')?.title).toContain('valid until 2027-01-06T12:01:00.000Z');
  });

  it('does not highlight a certificate outside the threshold', async () => {
    const { row } = await show([remote('r-0001', NOW, { certNotAfter: certIn(5) })], 'r-0001', 4);
    expect(row?.textContent).toContain('5 days left');
    expect(row?.dataset.certWarn).toBeUndefined();
  });

  it('says an expired certificate expired, and a remote that does not report one', async () => {
    const expired = await show([remote('r-0001', NOW, { certNotAfter: certIn(-3) })], 'r-0001', 30);
    expect(expired.row?.textContent).toContain('expired 2026-12-29');
    expect(expired.row?.dataset.certWarn).toBe('true');
    act(() => root.unmount());
    root = createRoot(host);
    const silent = await show([remote('r-0002', NOW)], 'r-0002', 30);
    expect(silent.row?.textContent).toContain('not reported');
  });
});
