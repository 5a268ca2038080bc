import { describe, expect, it } from 'vitest';
import { formatAge, formatClock, formatDuration, formatPercent } from './format';

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

  it('clock times as the locale writes them, 24-hour', () => {
    const at = Date.UTC(2026, 0, 2, 15, 4, 5);
    const opts = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false } as const;
    expect(formatClock(at)).toBe(new Date(at).toLocaleTimeString(undefined, opts));
    expect(formatClock(at)).toMatch(/^\d\d:04:05$/);
  });
});
