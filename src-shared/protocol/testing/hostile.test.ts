import { describe, expect, it } from 'vitest';
import { mutate } from './hostile';

describe('mutate', () => {
  it('appends a member added to an array, whatever its name, as JSON has arrays', () => {
    // "length" once made defineProperty throw and failed a fuzz run of the agent.
    expect(mutate({ a: [1] }, { op: 'add', at: 1, key: 'length', value: 2 }, [])).toEqual({ a: [1, 2] });
  });

  it('adds a member named __proto__ to an object as JSON.parse would', () => {
    const out = mutate({ a: {} }, { op: 'add', at: 1, key: '__proto__', value: 1 }, []) as { a: object };
    expect(Object.keys(out.a)).toEqual(['__proto__']);
  });

  it('leaves the kept top-level members alone', () => {
    expect(mutate({ id: 'x' }, { op: 'delete', at: 0 }, ['id'])).toEqual({ id: 'x' });
  });
});
