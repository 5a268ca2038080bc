// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, namedApi, type SmtApi } from '../../../src-shared/ipc';
import type { StartState, UnlockRequest } from '../../../src-shared/ipc/profile-views';
import { ApiContext } from '../../api/context';
import { createSmtStore, type SmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { App } from '../App';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const locked: StartState = {
  kind: 'locked',
  profiles: [
    { name: 'IPAM A', consoleId: 'console-a', sealedWith: 'passphrase' },
    { name: 'IPAM B', consoleId: 'console-b', sealedWith: 'passphrase' },
    { name: 'Broken', consoleId: '', sealedWith: null, problem: 'console profile … is not JSON' },
  ],
  last: 'IPAM B',
  retryAfterMs: 0,
  sealing: ['passphrase'],
};

let root: Root;
let host: HTMLElement;
let store: SmtStore;
const unlocks: UnlockRequest[] = [];

function render(start: StartState | null) {
  store = createSmtStore();
  if (start) store.getState().setStart(start);
  const api: SmtApi = {
    ...namedApi(
      (name) => async () => err('not-found', `not in this test: ${name}`),
      () => () => () => undefined,
    ),
    unlockProfile: async (request) => {
      unlocks.push(request);
      return err('forbidden', `Wrong passphrase for "${request.name}": type it again.`);
    },
  };
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

const main = () => host.querySelector('main');
const byLabel = (text: string) =>
  [...host.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  unlocks.length = 0;
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

describe('the App gate', () => {
  it('waits for the console, then shows onboarding with the passphrase fields the host asks for', () => {
    render(null);
    expect(main()?.getAttribute('aria-label')).toBe('Starting');
    render({ kind: 'onboarding', sealing: ['passphrase'] });
    expect(main()?.getAttribute('aria-label')).toBe('Welcome');
    expect(byLabel('New passphrase')).toBeDefined();
    expect(byLabel('New passphrase again')).toBeDefined();
    expect(host.querySelector('input[name="sealing"]')).toBeNull();
    expect(host.querySelector('button[type="submit"]')?.textContent).toBe('Import and connect');
  });

  it('offers the keyring first where the host has one', () => {
    render({ kind: 'onboarding', sealing: ['keyring', 'passphrase'] });
    const radios = [...host.querySelectorAll<HTMLInputElement>('input[name="sealing"]')];
    expect(radios.map((r) => r.parentElement?.textContent?.trim())).toEqual([
      'The OS keyring (nothing to type at start)',
      'A new passphrase',
    ]);
    expect(radios[0]?.checked).toBe(true);
    expect(byLabel('New passphrase')).toBeUndefined();
  });

  it('shows the unlock screen with the last profile picked, a broken one disabled, and says a wrong passphrase', async () => {
    render(locked);
    expect(main()?.getAttribute('aria-label')).toBe('Unlock');
    const radios = [...host.querySelectorAll<HTMLInputElement>('input[name="profile"]')];
    expect(radios.map((r) => [r.value, r.checked, r.disabled])).toEqual([
      ['IPAM A', false, false],
      ['IPAM B', true, false],
      ['Broken', false, true],
    ]);
    expect(host.textContent).toContain('console profile … is not JSON');

    const field = host.querySelector<HTMLInputElement>('input[type="password"]');
    if (!field) throw new Error('no passphrase field');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    act(() => {
      setValue?.call(field, 'not it');
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      host.querySelector('form')?.requestSubmit();
    });
    expect(unlocks).toEqual([{ name: 'IPAM B', passphrase: 'not it' }]);
    expect(host.querySelector('[role="alert"]')?.textContent).toBe(
      'Wrong passphrase for "IPAM B": type it again.',
    );
    expect(field.value).toBe('');
  });

  it('counts down the wait the console asks for, with the button held', () => {
    render({ ...locked, retryAfterMs: 8_000 });
    const button = host.querySelector<HTMLButtonElement>('form button[type="submit"]');
    expect(button?.disabled).toBe(true);
    expect(button?.textContent).toMatch(/^Wait [78] s$/);
    expect(host.querySelector('[role="status"]')?.textContent).toMatch(/the next try is possible in [78] s/);
  });

  it('shows the app once open', () => {
    render(openStartState('IPAM A', 'c'));
    expect(host.querySelector('main[aria-label="Unlock"], main[aria-label="Welcome"]')).toBeNull();
    expect(host.querySelector('header.bar [aria-label="Broker connection"]')).not.toBeNull();

    // Brokers that do not answer: the app stays open and the notice names them and says it keeps trying.
    act(() =>
      store.getState().setConnection({
        brokers: [
          { name: 'primary', url: 'stomp+ssl://broker1.example.net:61614' },
          { name: 'secondary', url: 'stomp+ssl://broker2.example.net:61614' },
        ],
        state: {
          kind: 'backoff',
          attempt: 3,
          retryAt: Date.now() + 4_000,
          lastError: 'connect ECONNREFUSED',
          lastBroker: 1,
        },
        lastFailoverAt: null,
        consoleId: 'c',
      }),
    );
    const notice = host.querySelector('[data-testid="notice-broker"]')?.textContent ?? '';
    expect(notice).toContain(
      'No broker reachable at broker1.example.net:61614 and broker2.example.net:61614',
    );
    expect(notice).toContain('The console keeps trying');
  });
});
