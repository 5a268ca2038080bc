// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import type { FindNameView } from '../../../src-shared/ipc/dns-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { createSmtStore, type SmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { App } from '../App';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const answered: FindNameView = {
  name: 'www.example.test.',
  rrtype: 'A',
  askedAt: NOW,
  notServing: 1,
  distinctAnswers: 2,
  remotes: [
    { remoteId: 'real-01', state: 'answered', zone: 'example.test', answers: ['192.0.2.10'], differs: false },
    { remoteId: 'real-03', state: 'answered', zone: 'example.test', answers: ['192.0.2.10'], differs: false },
    { remoteId: 'real-04', state: 'answered', zone: 'example.test', answers: ['192.0.2.99'], differs: true },
    { remoteId: 'real-05', state: 'not-asked', zone: 'example.test', status: 'offline' },
  ],
};

let root: Root;
let host: HTMLElement;
let store: SmtStore;
let calls: unknown[];
let answer: () => ReturnType<SmtApi['findName']>;

function render() {
  store = createSmtStore();
  store.getState().setStart(openStartState('IPAM A', 'c'));
  store.getState().syncClock(NOW);
  store.getState().navigate({ screen: 'dns' });
  const api = namedApi(
    (name) =>
      ((...args: unknown[]) => {
        if (name !== 'findName') return Promise.resolve(err('not-found', `not in this test: ${name}`));
        calls.push(args[0]);
        return answer();
      }) as never,
    () => () => () => undefined,
  ) as SmtApi;
  act(() =>
    root.render(
      <StoreContext.Provider value={store}>
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      </StoreContext.Provider>,
    ),
  );
}

const input = () => host.querySelector<HTMLInputElement>('input[aria-label="Name"]') as HTMLInputElement;
const submit = () =>
  act(async () => {
    host.querySelector('form')?.requestSubmit();
  });
const typeName = (value: string) =>
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input(), value);
    input().dispatchEvent(new Event('input', { bubbles: true }));
  });

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  calls = [];
  answer = () => Promise.resolve(ok(answered));
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

describe('DNS → Find a name', () => {
  it('asks the fleet and shows each remote answer, the one that differs marked, the offline one not asked', async () => {
    render();
    expect(host.querySelector('nav a[href="#/dns"]')?.getAttribute('aria-current')).toBe('page');
    await typeName(' www.example.test ');
    await submit();
    expect(calls).toEqual([{ name: 'www.example.test', rrtype: 'A' }]);
    const rows = [...host.querySelectorAll<HTMLElement>('table[aria-label="Answers by remote"] tbody tr')];
    expect(rows.map((r) => [r.dataset.remoteId, r.dataset.differs ?? ''])).toEqual([
      ['real-01', ''],
      ['real-03', ''],
      ['real-04', 'true'],
      ['real-05', ''],
    ]);
    expect(rows[2]?.textContent).toContain('differs');
    expect(rows[2]?.textContent).toContain('192.0.2.99');
    expect(rows[3]?.textContent).toContain('not asked: it is offline');
    expect(host.querySelector('[role="status"]')?.textContent).toMatch(/disagree.*2 different answers/);
  });

  it('explains a malformed name and sends nothing; a refusal from the core is shown as it is', async () => {
    render();
    await typeName('bad..example.test');
    await submit();
    expect(calls).toEqual([]);
    expect(host.querySelector('[role="alert"]')?.textContent).toMatch(/empty label/);

    answer = () => Promise.resolve(err('unavailable', 'No broker is connected (reconnecting)'));
    await typeName('www.example.test');
    await submit();
    expect(calls).toHaveLength(1);
    expect(host.querySelector('[role="alert"]')?.textContent).toBe('No broker is connected (reconnecting)');
  });
});
