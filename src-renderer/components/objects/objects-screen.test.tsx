// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { err, namedApi, ok, type CallArgs, type SmtApi } from '../../../src-shared/ipc';
import type { PlannedPush } from '../../../src-shared/ipc/inventory-views';
import { openStartState } from '../../../src-shared/ipc/testing/start-state';
import { ApiContext } from '../../api/context';
import { createSmtStore, type SmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { objectsView, remoteRow, zoneView } from '../../testing/objects';
import { remote } from '../../testing/remote';
import { App } from '../App';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const view = objectsView(
  [
    zoneView('example.test', [
      remoteRow('dns-1', 'in-sync', NOW - 5_000),
      remoteRow('dns-2', 'drifted', NOW - 5_000),
      remoteRow('dns-3', 'missing', NOW - 3_600_000),
      remoteRow('dns-4', 'unknown', NOW),
    ]),
    zoneView('calm.test', [remoteRow('dns-1', 'in-sync', NOW - 5_000)]),
    zoneView('stray.test', [remoteRow('dns-2', 'extra', NOW - 5_000)], false),
  ],
  NOW,
);

const zoneText = '$ORIGIN example.test.\n@ IN SOA ns1 hostmaster 2026120704 3600 600 1209600 300\n';
const plan = (summary: string, ids: string[], version: number): PlannedPush => ({
  request: {
    object: { kind: 'zone', name: 'example.test' },
    op: 'upsert',
    payload: { format: 'zone-text', text: zoneText },
    version,
    selector: { kind: 'ids', ids },
  },
  summary,
  remoteIds: ids,
});

let root: Root;
let host: HTMLElement;
let store: SmtStore;
let calls: { name: string; args: unknown }[];
let answers: Partial<SmtApi>;

function render() {
  store = createSmtStore();
  store.getState().setStart(openStartState('IPAM A', 'c'));
  store.getState().syncClock(NOW);
  // dns-3 is offline: its report, an hour old, is stale.
  store.getState().loadSnapshot({
    at: NOW,
    remotes: ['dns-1', 'dns-2', 'dns-4']
      .map((id) => remote(id, NOW))
      .concat(remote('dns-3', NOW - 3_600_000, { status: 'offline' })),
  });
  store.getState().objectsLoaded(view);
  store.getState().navigate({ screen: 'objects' });
  const record =
    <N extends keyof SmtApi>(name: N) =>
    (...args: unknown[]) => {
      calls.push({ name, args: args[0] });
      const answer = answers[name] as ((...a: unknown[]) => unknown) | undefined;
      return answer ? answer(...args) : Promise.resolve(err('not-found', `not in this test: ${name}`));
    };
  const api = namedApi(
    (name) => record(name) as never,
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

const rows = (testId: string) =>
  [...host.querySelectorAll(`[data-testid="${testId}"] .tbody [role="row"]`)] as HTMLElement[];
const button = (text: string, within: ParentNode = host) => {
  const b = [...within.querySelectorAll('button')].find((x) => x.textContent?.trim().startsWith(text));
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};
const click = async (el: HTMLElement) => {
  await act(async () => {
    el.click();
  });
};
const type = (input: HTMLInputElement, value: string) =>
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
const open = (key: string) => act(() => store.getState().navigate({ screen: 'objects', key }));
const remoteRowOf = (id: string) => rows('object-remotes').find((r) => r.dataset.remoteId === id);

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  calls = [];
  answers = {};
  // happy-dom lays nothing out: the tables' scroll boxes get a window's size so their rows are drawn.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});
afterEach(() => {
  vi.restoreAllMocks();
  act(() => root.unmount());
  host.remove();
});

describe('Zones & Scopes', () => {
  it('lists owned objects then extra ones with per-state counts, filters and searches, and badges the nav', () => {
    render();
    expect(rows('objects-table').map((r) => r.dataset.key)).toEqual([
      'zone:example.test',
      'zone:calm.test',
      'zone:stray.test',
    ]);
    const first = rows('objects-table')[0];
    expect([...(first?.querySelectorAll('[role="cell"]') ?? [])].map((c) => c.textContent)).toEqual([
      'zoneexample.test',
      'v3 of 3',
      '1',
      '1',
      '1',
      '0',
      '1',
    ]);
    expect(rows('objects-table')[2]?.textContent).toContain('not owned');
    // dns-2 and dns-3: one drifted, one missing.
    expect(host.querySelector('[data-testid="drift-badge"]')?.textContent).toBe('2');

    act(() => button('Drifted or missing').click());
    expect(rows('objects-table').map((r) => r.dataset.key)).toEqual(['zone:example.test']);
    act(() => button('Extra').click());
    expect(rows('objects-table').map((r) => r.dataset.key)).toEqual(['zone:stray.test']);
    act(() => button('All').click());
    const search = host.querySelector<HTMLInputElement>('input[type="search"]');
    if (!search) throw new Error('no search');
    type(search, 'CALM');
    expect(rows('objects-table').map((r) => r.dataset.key)).toEqual(['zone:calm.test']);
  });

  it('shows each remote’s state, versions, hashes and ages, a stale report as stale, and moves with the arrows', () => {
    render();
    open('zone:example.test');
    expect(rows('object-remotes').map((r) => [r.dataset.remoteId, r.dataset.state, r.dataset.stale])).toEqual(
      [
        ['dns-1', 'in-sync', 'false'],
        ['dns-2', 'drifted', 'false'],
        ['dns-3', 'missing', 'true'],
        ['dns-4', 'unknown', 'false'],
      ],
    );
    const cells = (id: string) =>
      [...(remoteRowOf(id)?.querySelectorAll('[role="cell"]') ?? [])].map((c) => c.textContent);
    expect(cells('dns-2')).toEqual([
      'dns-2',
      'drifted',
      'v3',
      '2026120703',
      'bbbbbbbb',
      '1 min ago',
      '5 s ago',
      'ReconcileAdopt',
    ]);
    expect(cells('dns-3')[6]).toBe('stale 1 h');
    expect(cells('dns-4')[1]).toBe('unknown no inventory from this remote yet');
    expect(host.querySelector('[data-testid="intended"]')?.textContent).toContain('1 report is stale');

    const table = host.querySelector<HTMLElement>('[data-testid="objects-table"]');
    act(() => {
      table?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    });
    expect(store.getState().route).toEqual({ screen: 'objects', key: 'zone:calm.test' });
  });

  it('reconciles one remote by opening the Push screen with the plan, which it previews as planned', async () => {
    answers.planReconcile = async () =>
      ok(plan('reconcile zone example.test to version 3 on 1 remote', ['dns-2'], 4));
    answers.previewPush = async () => err('unavailable', 'The broker is not connected.');
    render();
    open('zone:example.test');
    const row = remoteRowOf('dns-2');
    if (!row) throw new Error('no dns-2');
    await click(button('Reconcile', row));
    expect(calls).toContainEqual({
      name: 'planReconcile',
      args: { key: 'zone:example.test', remoteIds: ['dns-2'] },
    });
    expect(store.getState().route).toEqual({ screen: 'push', pushId: null });
    expect(host.querySelector('[data-testid="plan-summary"]')?.textContent).toContain(
      'reconcile zone example.test to version 3 on 1 remote',
    );
    expect(host.querySelector('[aria-label="Planned zone text"]')?.textContent).toBe(zoneText);
    expect(button('As planned (1)').getAttribute('aria-pressed')).toBe('true');
    expect(host.textContent).toContain('1 target');

    await click(button('Preview'));
    expect(calls.find((c) => c.name === 'previewPush')?.args).toEqual({
      object: { kind: 'zone', name: 'example.test' },
      op: 'upsert',
      payload: { format: 'zone-text', text: zoneText },
      selector: { kind: 'ids', ids: ['dns-2'] },
      version: 4,
    });
    expect(host.textContent).toContain('Preview failed: The broker is not connected.');

    await click(button('Discard the plan'));
    expect(store.getState().pushPlan).toBeNull();
    expect(host.querySelector('[data-testid="planned-push"]')).toBeNull();
  });

  it('reconciles every drifted and missing remote from the object, and says what to do when it cannot', async () => {
    answers.planReconcile = async () => err('bad-request', 'dns-2 is no longer drifted');
    render();
    open('zone:example.test');
    await click(button('Reconcile 2'));
    expect(calls).toContainEqual({ name: 'planReconcile', args: { key: 'zone:example.test' } });
    expect(store.getState().route.screen).toBe('objects');
    const alert = host.querySelector('[data-testid="object-action"]');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toContain('dns-2 is no longer drifted. The remotes may have changed state');
  });

  it('lists the history and reverts to an earlier version through the Push screen', async () => {
    answers.getObjectHistory = async () =>
      ok({
        key: 'zone:example.test',
        object: { kind: 'zone', name: 'example.test' },
        intendedVersion: 3,
        versions: [3, 2, 1].map((v) => ({
          version: v,
          op: 'upsert' as const,
          pushId: '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          author: 'admin',
          createdAt: NOW - v * 60_000,
          sha256: String(v).repeat(64),
          appliedTo: v,
          text: zoneText,
        })),
      });
    answers.planRevert = async (q: CallArgs<'planRevert'>[0]) =>
      ok(plan(`revert zone example.test to version ${q.version} as version 4`, ['dns-1', 'dns-2'], 4));
    render();
    open('zone:example.test');
    await click(button('History'));
    const versions = [...host.querySelectorAll('tr[data-version]')] as HTMLElement[];
    expect(versions.map((v) => v.dataset.version)).toEqual(['3', '2', '1']);
    expect(versions[0]?.textContent).toContain('(intended)');
    expect(versions[1]?.textContent).toContain('2 remotes');
    expect(versions[1]?.textContent).toContain('22222222');
    expect(versions[0]?.querySelector('button')).toBeNull();
    const revert = versions[1]?.querySelector('button');
    if (!revert) throw new Error('no revert');
    await click(revert);
    expect(calls).toContainEqual({ name: 'planRevert', args: { key: 'zone:example.test', version: 2 } });
    expect(store.getState().route).toEqual({ screen: 'push', pushId: null });
    expect(host.querySelector('[data-testid="plan-summary"]')?.textContent).toContain(
      'version 2 as version 4',
    );
  });

  it('adopts what a remote serves and opens the new draft', async () => {
    answers.adoptServed = async () =>
      ok({
        id: 'd-adopted01',
        name: 'stray.test from dns-2',
        object: { kind: 'zone', name: 'stray.test' },
        content: { format: 'zone-text', text: zoneText },
        targets: '',
        base: { version: 0, text: null },
        createdAt: NOW,
        updatedAt: NOW,
        author: 'admin',
        problems: [],
      });
    render();
    open('zone:stray.test');
    const row = remoteRowOf('dns-2');
    if (!row) throw new Error('no dns-2');
    expect(row.textContent).not.toContain('Reconcile');
    expect(button('Reconcile').disabled).toBe(true);
    await click(button('Adopt', row));
    expect(calls).toContainEqual({
      name: 'adoptServed',
      args: { key: 'zone:stray.test', remoteId: 'dns-2' },
    });
    expect(store.getState().route).toEqual({ screen: 'drafts', draftId: 'd-adopted01' });
  });

  it('says why the list is empty when the console cannot answer, with what to do', () => {
    render();
    act(() => {
      // Another IPAM: the previous one's objects and drift count go, and its view fails to load.
      store.getState().profileChanged({
        name: 'IPAM B',
        consoleId: 'c2',
        brokers: [],
        ca: null,
        client: null,
        signing: null,
        active: true,
      });
      store.getState().navigate({ screen: 'objects' });
      store.getState().objectsFailed('The console keeps no served inventory yet.');
    });
    expect(host.querySelector('[data-testid="objects-error"]')?.textContent).toContain(
      'The console keeps no served inventory yet. Reload to try again.',
    );
    expect(host.querySelector('[data-testid="objects-table"]')?.textContent).toContain(
      'Nothing to show until the console answers.',
    );
    expect(host.querySelector('[data-testid="drift-badge"]')).toBeNull();
  });

  it('offers Reservations for an owned scope only, and opens its editor on the intended scope', async () => {
    const scopeObject = {
      ...zoneView('unused', [remoteRow('dhcp-1', 'in-sync', NOW - 5_000)]),
      key: 'scope:192.0.2.0/24',
      object: { kind: 'scope' as const, subnet: '192.0.2.0/24' },
    };
    answers.getIntendedScope = async () =>
      ok({
        key: 'scope:192.0.2.0/24',
        version: 3,
        scope: { subnet: '192.0.2.0/24', id: 7, pools: [], options: [], reservations: [] },
        remoteIds: ['dhcp-1'],
      });
    render();
    act(() => store.getState().objectsLoaded(objectsView([...view.objects, scopeObject], NOW)));
    open('zone:example.test');
    expect(() => button('Reservations')).toThrow('no button');
    open('scope:192.0.2.0/24');
    await click(button('Reservations'));
    expect(calls).toContainEqual({ name: 'getIntendedScope', args: { key: 'scope:192.0.2.0/24' } });
    expect(host.querySelector('[data-testid="reservations"]')?.textContent).toContain('No reservations.');
  });
});
