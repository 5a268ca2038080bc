export { formatAge, formatDuration } from '../src-shared/duration';

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} %`;
}

/** Wall-clock time of a console timestamp in the page's zone, 24-hour as operations logs are. */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}
