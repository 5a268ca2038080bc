import { describe, expect, it } from 'vitest';
import { bareRetryMs } from './stomp';

describe('bareRetryMs', () => {
  it.each([
    [1, 0.5, 100],
    [2, 0.5, 200],
    [5, 0.5, 1600],
    [6, 0.5, 3000],
    [40, 0.5, 3000],
    [1, 0, 75],
    [6, 1, 3750],
  ])('after %i failed rounds (random %f) waits %i ms', (round, random, ms) => {
    expect(bareRetryMs(round, random)).toBe(ms);
  });
});
