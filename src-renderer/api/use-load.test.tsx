// @vitest-environment happy-dom
import { act, useCallback } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { err, ok, type IpcResult } from '../../src-shared/ipc/result';
import { useLoad, type LoadOptions } from './use-load';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}

let root: Root;
let host: HTMLElement;
let asked: string[];
let answer: (q: string) => IpcResult<string>;

function Probe({ q, options }: { q: string; options?: LoadOptions }) {
  const read = useCallback(async () => {
    asked.push(q);
    return answer(q);
  }, [q]);
  const { value, error, busy } = useLoad(read, options);
  return <p>{`${value ?? '–'}|${error ?? ''}|${busy ? 'busy' : 'idle'}`}</p>;
}

/** Renders, then lets every pending read finish. */
async function show(q: string, options?: LoadOptions) {
  await act(async () => root.render(<Probe q={q} options={options} />));
}
const text = () => host.textContent;

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  host = document.createElement('div');
  root = createRoot(host);
  asked = [];
  answer = (q) => ok(`answer to ${q}`);
});
afterEach(() => {
  act(() => root.unmount());
  vi.useRealTimers();
});

describe('useLoad', () => {
  it('shows the answer, then the error of a failed read beside the last answer', async () => {
    await show('a');
    expect(text()).toBe('answer to a||idle');
    answer = () => err('unavailable', 'no broker');
    await show('b');
    expect(text()).toBe('answer to a|no broker|idle');
  });

  it('forgets the last answer on a new question when asked to', async () => {
    await show('a', { resetOnChange: true });
    answer = () => err('unavailable', 'no broker');
    await show('b', { resetOnChange: true });
    expect(text()).toBe('–|no broker|idle');
  });

  it('asks nothing while disabled, and asks once enabled', async () => {
    await show('a', { enabled: false });
    expect(asked).toEqual([]);
    expect(text()).toBe('–||idle');
    await show('a', { enabled: true });
    expect(asked).toEqual(['a']);
  });

  it('reads again when a refreshOn value changes, not at every render', async () => {
    await show('a', { refreshOn: [1] });
    await show('a', { refreshOn: [1] });
    expect(asked).toEqual(['a']);
    await show('a', { refreshOn: [2] });
    expect(asked).toEqual(['a', 'a']);
  });

  it('polls every everyMs while shown, and stops when unmounted', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await show('a', { everyMs: 5_000 });
    await act(async () => vi.advanceTimersByTime(10_000));
    expect(asked).toEqual(['a', 'a', 'a']);
    act(() => root.unmount());
    vi.advanceTimersByTime(10_000);
    expect(asked).toHaveLength(3);
    root = createRoot(host);
  });
});
