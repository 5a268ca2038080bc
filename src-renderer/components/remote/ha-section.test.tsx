// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { HaPairView } from '../../../src-shared/ipc/ha-views';
import { ApiContext } from '../../api/context';
import { HaSection } from './HaSection';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

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

const peers = [
  { name: 'kea-a', url: 'http://127.0.0.1:8001/', role: 'primary' },
  { name: 'kea-b', url: 'http://127.0.0.1:8002/', role: 'standby' },
];
const pair: HaPairView = {
  key: 'k',
  name: 'kea-a + kea-b',
  mode: 'hot-standby',
  verdict: 'partner-down',
  detail: 'kea-a (r-1) is in partner-down state',
  remoteId: 'r-2',
  sides: [
    {
      remoteId: 'r-1',
      reportedAt: Date.now() - 3_000,
      stale: false,
      relationship: {
        mode: 'hot-standby',
        peers,
        server: { name: 'kea-a', role: 'primary', state: 'partner-down', scopes: ['kea-a', 'kea-b'] },
        partner: {
          name: 'kea-b',
          role: 'standby',
          lastState: 'unavailable',
          lastScopes: [],
          communicationInterrupted: true,
          ageS: 12,
          connectingClients: 0,
          unackedClients: 0,
        },
      },
    },
    // Its Kea stopped answering: the tracker keeps the relationship it last reported.
    {
      remoteId: 'r-2',
      reportedAt: Date.now() - 600_000,
      stale: true,
      unreadable: 'connect ECONNREFUSED',
      relationship: {
        mode: 'hot-standby',
        peers,
        server: { name: 'kea-b', role: 'standby', state: 'hot-standby', scopes: [] },
      },
    },
  ],
};

async function render(remoteId: string, pairs: HaPairView[]) {
  const asked: unknown[] = [];
  const api = namedApi(
    (name) =>
      ((q: unknown) => {
        if (name !== 'listHa') return Promise.resolve(err('not-found', `not in this test: ${name}`));
        asked.push(q);
        return Promise.resolve(ok({ pairs }));
      }) as never,
    () => () => () => undefined,
  ) as SmtApi;
  await act(async () => {
    root.render(
      <ApiContext.Provider value={api}>
        <HaSection remoteId={remoteId} />
      </ApiContext.Provider>,
    );
  });
  return asked;
}

describe('HA section of the Remote screen', () => {
  it('shows this side’s state and role, the partner as last heard, the verdict and staleness', async () => {
    expect(await render('r-1', [pair])).toEqual([{ remoteId: 'r-1' }]);
    const section = host.querySelector('section[aria-label="HA"]') as HTMLElement;
    expect(section.querySelector('[data-verdict]')?.getAttribute('data-verdict')).toBe('partner-down');
    expect(section.querySelector('[data-ha-state]')?.textContent).toBe(
      'kea-a: primary, partner-down, serving kea-a, kea-b',
    );
    expect(section.querySelector('[data-ha-partner-state]')?.textContent).toContain(
      'communication interrupted',
    );
    expect(section.textContent).toContain('12 s ago');
    // The partner's remote is in the fleet: its name links to it.
    expect(section.querySelector('a')?.getAttribute('href')).toContain('r-2');
  });

  it('says why the other side cannot be read, marked stale', async () => {
    await render('r-2', [pair]);
    const section = host.querySelector('section[aria-label="HA"]') as HTMLElement;
    expect(section.textContent).toContain("Kea's HA status cannot be read: connect ECONNREFUSED");
    expect(section.querySelector('.warn')?.textContent).toMatch(/^stale, /);
  });

  it('shows nothing for a remote whose Kea runs no HA', async () => {
    await render('r-3', []);
    expect(host.querySelector('section[aria-label="HA"]')).toBeNull();
  });
});
