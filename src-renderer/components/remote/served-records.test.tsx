// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { err, namedApi, ok, type SmtApi } from '../../../src-shared/ipc';
import { ApiContext } from '../../api/context';
import { createSmtStore } from '../../store';
import { StoreContext } from '../../store/react';
import { remote } from '../../testing/remote';
import { Served } from './Served';
import { visibleRecords } from './record-rows';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const NOW = 1_800_000_000_000;
const zoneText = [
  '$ORIGIN example.test.',
  '$TTL 3600',
  '@ IN SOA ns1 hostmaster 7 7200 900 1209600 300',
  '@ IN NS ns1',
  'ns1 IN A 192.0.2.1',
  'www 60 IN A 192.0.2.10',
  'mail IN A 192.0.2.20',
  'a.www IN TXT "below www"',
  'bad line here',
  '',
].join('\n');

let root: Root;
let host: HTMLElement;

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});
afterEach(() => {
  vi.restoreAllMocks();
  act(() => root.unmount());
  host.remove();
});

const rows = () =>
  [...host.querySelectorAll<HTMLElement>('[data-testid="zone-records"] .tbody [role="row"]')].map((r) =>
    [...r.querySelectorAll('[role="cell"]')].map((c) => c.textContent),
  );
const button = (text: string) => {
  const b = [...host.querySelectorAll('button')].find((x) => x.textContent?.trim().startsWith(text));
  if (!b) throw new Error(`no button "${text}"`);
  return b;
};
const setInput = (input: HTMLInputElement, value: string) =>
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });

describe("the Remote screen's served zone as records", () => {
  it('shows the served zone as a table that searches, sorts by a header and still offers the file', async () => {
    const store = createSmtStore();
    store.getState().syncClock(NOW);
    const api = namedApi(
      (name) =>
        (() =>
          name === 'getServed'
            ? Promise.resolve(
                ok({
                  object: { kind: 'zone', name: 'example.test' },
                  served: true,
                  version: 3,
                  text: zoneText,
                  sha256: 'ab'.repeat(32),
                }),
              )
            : Promise.resolve(err('not-found', name))) as never,
      () => () => () => undefined,
    ) as SmtApi;
    act(() =>
      root.render(
        <StoreContext.Provider value={store}>
          <ApiContext.Provider value={api}>
            <Served remote={remote('real-01', NOW)} />
          </ApiContext.Provider>
        </StoreContext.Provider>,
      ),
    );
    await setInput(host.querySelector('input[aria-label="Zone name"]') as HTMLInputElement, 'example.test');
    await act(async () => button('Show zone').click());

    expect(rows()).toHaveLength(6);
    expect(rows()[3]).toEqual(['www.example.test.', '60', 'IN', 'A', '192.0.2.10']);
    expect(host.textContent).toContain('1 line not read (line 9: "LINE" is not a record type)');

    await setInput(host.querySelector('input[aria-label="Search records"]') as HTMLInputElement, '192.0.2.');
    expect(rows().map((r) => r[0])).toEqual(['ns1.example.test.', 'www.example.test.', 'mail.example.test.']);
    await act(async () => button('TTL').click());
    expect(rows().map((r) => r[1])).toEqual(['60', '3600', '3600']);
    await act(async () => button('TTL').click());
    expect(rows().map((r) => r[1])).toEqual(['3600', '3600', '60']);
    expect(host.querySelector('[aria-sort="descending"]')?.textContent).toContain('TTL');

    await act(async () => button('Zone file').click());
    expect(host.querySelector('pre[aria-label="Zone text"]')?.textContent).toBe(zoneText);
  });
});

describe('visibleRecords', () => {
  const records = [
    { line: 1, name: 'www.example.test.', ttl: 60, class: 'IN', type: 'A', data: '192.0.2.1' },
    { line: 2, name: 'a.www.example.test.', ttl: 60, class: 'IN', type: 'A', data: '192.0.2.2' },
    { line: 3, name: 'b.example.test.', ttl: 60, class: 'IN', type: 'MX', data: '10 www' },
  ];
  it('sorts names by their labels from the right, so a subtree stays together; ties keep file order', () => {
    expect(visibleRecords(records, '', { column: 'Name', dir: 'asc' }).map((r) => r.line)).toEqual([3, 1, 2]);
    expect(visibleRecords(records, '', { column: 'TTL', dir: 'desc' }).map((r) => r.line)).toEqual([1, 2, 3]);
  });
  it('searches name, type and data, case-insensitively', () => {
    expect(visibleRecords(records, 'mx', null).map((r) => r.line)).toEqual([3]);
    expect(visibleRecords(records, 'WWW', null).map((r) => r.line)).toEqual([1, 2, 3]);
  });
});
