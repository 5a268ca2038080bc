// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushPreview } from '../../../src-shared/push/preview';
import { PreviewPanel } from './PreviewPanel';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

const sha = (c: string) => c.repeat(64);
const preview = (ids: string[]): PushPreview => ({
  object: { kind: 'scope', subnet: '192.0.2.0/24' },
  op: 'upsert',
  proposedVersion: 2,
  proposedSha256: sha('a'),
  remotes: ids.map((remote) => ({
    remote,
    status: 'changed',
    servedVersion: 1,
    servedSha256: sha('b'),
    diff: sha('b'),
  })),
  diffs: [
    {
      servedSha256: sha('b'),
      added: 1,
      removed: 0,
      exact: true,
      hunks: [
        {
          beforeStart: 1,
          beforeCount: 1,
          afterStart: 1,
          afterCount: 2,
          lines: [
            { op: ' ', text: 'subnet 192.0.2.0/24' },
            { op: '+', text: 'reservation 192.0.2.11 52:54:00:aa:bb:cc phone' },
          ],
        },
      ],
      remotes: ids,
    },
  ],
  counts: { error: 0, unreachable: 0, new: 0, changed: ids.length, unchanged: 0, removed: 0, absent: 0 },
  unknown: [],
  timeoutMs: 5000,
});

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

describe('PreviewPanel', () => {
  it('names the count of remotes in its heading in the singular for one, and marks the added line', () => {
    act(() => root.render(<PreviewPanel preview={preview(['dhcp-1'])} />));
    expect(host.querySelector('h2')?.textContent).toBe('Preview of version 2 on 1 remote');
    expect(host.querySelector('figcaption')?.textContent).toContain('on 1 remote: dhcp-1');
    expect([...host.querySelectorAll('pre .add')].map((e) => e.textContent)).toEqual([
      '+reservation 192.0.2.11 52:54:00:aa:bb:cc phone\n',
    ]);
    act(() => root.render(<PreviewPanel preview={preview(['dhcp-1', 'dhcp-2'])} />));
    expect(host.querySelector('h2')?.textContent).toBe('Preview of version 2 on 2 remotes');
  });
});
