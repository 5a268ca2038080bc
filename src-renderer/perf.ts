/**
 * Records the performance measure `name` (named in src-shared/perf-measures.ts; the benchmark reads them)
 * from `start`, a performance.now() time (one before the page's own start counts from there), to after the
 * next paint: a requestAnimationFrame callback runs just before the frame is painted, and a task it queues
 * runs once that frame is done.
 */
export function measureToPaint(name: string, start: number): void {
  requestAnimationFrame(() =>
    setTimeout(() => performance.measure(name, { start: Math.max(0, start), end: performance.now() }), 0),
  );
}
