import { describe, expect, it } from 'vitest';
import { turnBatcher } from './turn-batch';

describe('turnBatcher', () => {
  it('flushes what one turn added as one batch, and the next turn as another', async () => {
    const batches: number[][] = [];
    const add = turnBatcher<number>((items) => void batches.push(items));
    const first = [add(1), add(2), add(3)];
    expect(batches).toEqual([]);
    await Promise.all(first);
    expect(batches).toEqual([[1, 2, 3]]);
    await add(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('settles an add only once its batch is flushed, an async flush included', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const add = turnBatcher<string>(() => gate);
    let settled = false;
    const added = add('a').then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await added;
    expect(settled).toBe(true);
  });

  it('passes on what the flush throws to those who waited on the batch', async () => {
    const add = turnBatcher<string>(() => {
      throw new Error('disk full');
    });
    await expect(add('a')).rejects.toThrow('disk full');
  });
});
