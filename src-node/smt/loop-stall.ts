import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How long this process's event loop was held lately. stompit ends a session when no byte was read in a
 * whole heart-beat window; a loop held for longer than that window looks the same as a silent broker (the
 * window's timer fires before the bytes waiting in the socket are read), so a lost session's log says
 * which it may have been: a busy host, or the broker.
 */
export class LoopStallMeter {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private previousMaxNs = 0;
  private readonly timer: NodeJS.Timeout;

  /** Holds are remembered for one to two `windowMs`. */
  constructor(windowMs: number) {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.previousMaxNs = this.histogram.max;
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  /** Whether it has timed the loop once: a hold before the first sample is not seen. */
  started(): boolean {
    return this.histogram.count > 0 || this.previousMaxNs > 0;
  }

  /** The longest the loop was held in this window and the one before, in ms. */
  recentMaxMs(): number {
    return Math.round(Math.max(this.previousMaxNs, this.histogram.max) / 1e6);
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

let shared: LoopStallMeter | undefined;

/** One meter per process: every connection in it (a simulator's many remotes) shares the same loop. */
export function processLoopStalls(): LoopStallMeter {
  shared ??= new LoopStallMeter(5_000);
  return shared;
}
