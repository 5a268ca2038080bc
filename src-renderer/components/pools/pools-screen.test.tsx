// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { PoolView } from '../../../src-shared/ipc/pool-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { createSmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { App } from '../App';
import { forecastText } from './PoolsScreen';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const pool = (remoteId: string, pct: number, forecastHours: number | null, stale = false): PoolView => ({
  remoteId,
  subnetId: 1,
  subnet: '10.0.0.0/24',
  total: 100,
  assigned: pct,
  declined: 1,
  utilisationPct: pct,
  spark: [pct - 10, pct],
  ratePctPerHour: forecastHours === null ? null : 2,
  forecastHours,
  reportedAt: NOW - 5_000,
  stale,
});

let root: Root;
let host: HTMLElement;
let asked: unknown[];

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  asked = [];
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

describe('DHCP Pools', () => {
  it('shows the fleet-wide pools the console answers, in its order, with forecast and staleness', async () => {
    const store = createSmtStore();
    store.getState().setStart(openStartState('IPAM A', 'c'));
    store.getState().syncClock(NOW);
    store.getState().navigate({ screen: 'pools' });
    const api = namedApi(
      (name) =>
        ((q: unknown) => {
          if (name !== 'listPools') return Promise.resolve(err('not-found', `not in this test: ${name}`));
          asked.push(q);
          return Promise.resolve(
            ok({ total: 2, pools: [pool('dhcp-2', 95, 2.5), pool('dhcp-1', 40, null, true)] }),
          );
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
    expect(asked).toEqual([{}]);
    const rows = [...host.querySelectorAll('main[aria-label="DHCP Pools"] tbody tr')] as HTMLElement[];
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['dhcp-2', 'dhcp-1']);
    expect(rows[0]?.textContent).toContain('95.0 %');
    expect(rows[0]?.textContent).toContain('2.5 h');
    expect(rows[1]?.dataset.stale).toBe('true');
    expect(rows[1]?.textContent).toContain('stale');
  });

  it('says full, hours or days', () => {
    expect(forecastText(pool('a', 100, 0))).toBe('full');
    expect(forecastText(pool('a', 50, 30))).toBe('30.0 h');
    expect(forecastText(pool('a', 50, 72))).toBe('3.0 d');
    expect(forecastText(pool('a', 50, null))).toBe('–');
  });
});
