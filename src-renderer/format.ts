export { formatAge, formatDuration } from '../src-shared/duration';

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
}

/**
 * One formatter for every call: toLocaleTimeString with options builds a new one each time, which made it
 * the costliest function of a fleet search keystroke at 10,000 remotes (docs/performance.md).
 */
const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** Wall-clock time of a console timestamp in the page's zone, 24-hour as operations logs are. */
export function formatClock(at: number): string {
  return clock.format(at);
}

/** "512 MiB", "1.4 GiB": memory as `free -h` shows it. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
