import { describe, expect, it } from 'vitest';
import { err, ok, type IpcResult } from '../../src-shared/ipc/result';
import { Loader } from './loader';

/** A read the test answers by hand, to see what the loader does while reads are under way. */
function pending<T>() {
  const calls: ((r: IpcResult<T>) => void)[] = [];
  const read = () => new Promise<IpcResult<T>>((resolve) => calls.push(resolve));
  return { read, calls };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Loader', () => {
  it('shows a value, keeps it through a failed read with the error, and clears the error on the next', async () => {
    let t = 100;
    const loader = new Loader<number>(() => t);
    const { read, calls } = pending<number>();
    loader.ask(read);
    expect(loader.state).toEqual({ value: null, error: null, busy: true, fetchedAt: null });
    calls[0]?.(ok(1));
    await settle();
    expect(loader.state).toEqual({ value: 1, error: null, busy: false, fetchedAt: 100 });
    loader.load();
    calls[1]?.(err('unavailable', 'no broker'));
    await settle();
    expect(loader.state).toEqual({ value: 1, error: 'no broker', busy: false, fetchedAt: 100 });
    t = 200;
    loader.load();
    calls[2]?.(ok(2));
    await settle();
    expect(loader.state).toEqual({ value: 2, error: null, busy: false, fetchedAt: 200 });
  });

  it('reads one at a time: asks during a read make one more read after it', async () => {
    const loader = new Loader<number>();
    const { read, calls } = pending<number>();
    loader.ask(read);
    loader.load();
    loader.load();
    loader.load();
    expect(calls).toHaveLength(1);
    calls[0]?.(ok(1));
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]?.(ok(2));
    await settle();
    expect(calls).toHaveLength(2);
    expect(loader.state).toMatchObject({ value: 2, busy: false });
  });

  it('drops the answer to an old question and asks the new one', async () => {
    const loader = new Loader<string>();
    const a = pending<string>();
    const b = pending<string>();
    loader.ask(a.read);
    loader.ask(b.read);
    a.calls[0]?.(ok('old'));
    await settle();
    expect(loader.state).toMatchObject({ value: null, busy: true });
    b.calls[0]?.(ok('new'));
    await settle();
    expect(loader.state).toMatchObject({ value: 'new', busy: false });
  });

  it('forgets the old answer on a new question only when asked to', async () => {
    const loader = new Loader<string>();
    loader.ask(() => Promise.resolve(ok('first')));
    await settle();
    loader.ask(() => Promise.resolve(ok('second')));
    expect(loader.state.value).toBe('first');
    await settle();
    loader.ask(() => new Promise(() => undefined), true);
    expect(loader.state).toEqual({ value: null, error: null, busy: true, fetchedAt: null });
  });

  it('shows a read that throws as its error and still reads again', async () => {
    const loader = new Loader<number>();
    let n = 0;
    loader.ask(() => (n++ === 0 ? Promise.reject(new Error('link closed')) : Promise.resolve(ok(n))));
    await settle();
    expect(loader.state).toMatchObject({ value: null, error: 'link closed', busy: false });
    loader.load();
    await settle();
    expect(loader.state).toMatchObject({ value: 2, error: null });
  });

  it('tells its subscribers of each change until they leave', async () => {
    const loader = new Loader<number>();
    let seen = 0;
    const leave = loader.subscribe(() => seen++);
    loader.ask(() => Promise.resolve(ok(1)));
    await settle();
    expect(seen).toBe(3); // busy, value, idle
    leave();
    loader.load();
    await settle();
    expect(seen).toBe(3);
  });
});
