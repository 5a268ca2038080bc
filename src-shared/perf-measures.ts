/**
 * The renderer's performance measures (User Timing), named once for the renderer that records them
 * (src-renderer/perf.ts) and the benchmark that reads them (bench/scenarios/renderer.ts). Each runs from
 * its start to the first frame painted after it.
 */
export const perfMeasures = {
  /** A keystroke in the fleet search, from the input event to the filtered table on screen. */
  fleetFilter: 'smt:fleet-filter',
  /** A fleet patch, from the moment the core sent it to its rows on screen. */
  fleetPatch: 'smt:fleet-patch',
} as const;
