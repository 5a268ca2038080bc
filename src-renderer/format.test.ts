import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, formatPercent } from './format';

describe('format', () => {
  it('durations read at a glance', () => {
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatDuration(59_999)).toBe('59 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(2 * 3600_000)).toBe('2 h');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 3600_000)).toBe('3 d 1 h');
  });

  it('ages and percentages', () => {
    expect(formatAge(null, 10)).toBe('never');
    expect(formatAge(1000, 4000)).toBe('3 s ago');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(3.14159)).toBe('3.1 %');
    expect(formatPercent(42.6)).toBe('43 %');
  });
});
