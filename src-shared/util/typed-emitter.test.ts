import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './typed-emitter';

type Events = { count: number; name: string };

describe('TypedEmitter', () => {
  it('hands each event to its own listeners in the order they were added, until they are removed', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    const off = e.on('count', (n) => seen.push(`a${n}`));
    e.on('count', (n) => seen.push(`b${n}`));
    e.on('name', (s) => seen.push(s));
    e.emit('count', 1);
    off();
    e.emit('count', 2);
    e.emit('name', 'x');
    expect(seen).toEqual(['a1', 'b1', 'b2', 'x']);
    expect(e.listenerCount('count')).toBe(1);
    expect(e.listenerCount('name')).toBe(1);
  });

  it('reports a throwing listener and runs the rest when told where to, else lets the throw out', () => {
    const errors: string[] = [];
    const guarded = new TypedEmitter<Events>({
      onError: (event, err) => errors.push(`${event}: ${String(err)}`),
    });
    const seen: number[] = [];
    guarded.on('count', () => {
      throw new Error('boom');
    });
    guarded.on('count', (n) => seen.push(n));
    guarded.emit('count', 3);
    expect(seen).toEqual([3]);
    expect(errors).toEqual(['count: Error: boom']);

    const bare = new TypedEmitter<Events>();
    bare.on('count', () => {
      throw new Error('out');
    });
    expect(() => bare.emit('count', 1)).toThrow('out');
  });

  it('refuses a name outside the list it was given', () => {
    const e = new TypedEmitter<Events>({ names: ['count'] });
    expect(() => e.on('name', () => undefined)).toThrow('unknown event "name"');
    expect(() => e.on('count', () => undefined)).not.toThrow();
  });
});
