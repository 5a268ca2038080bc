import type { Body } from '../../src-shared/protocol';

type EventBody = Body<'event'>;
type Proc = Body<'stats'>['processes'][number];

/**
 * What changed in the watched processes between two samples, as events an admin reads in the remote's
 * history. The first sample has no "before": a process found down at start is reported, one found
 * running is not (nothing happened).
 */
export function processEvents(
  before: readonly Proc[] | undefined,
  after: readonly Proc[],
  at: number,
): EventBody[] {
  const was = new Map((before ?? []).map((p) => [p.name, p]));
  const out: EventBody[] = [];
  for (const p of after) {
    const prev = was.get(p.name);
    if (p.running && prev && !prev.running) {
      out.push({
        severity: 'info',
        code: 'process-started',
        service: p.name,
        at,
        message: `${p.name} is running again${p.pid ? ` (pid ${p.pid})` : ''}`,
      });
    } else if (!p.running && (prev === undefined ? before === undefined : prev.running)) {
      out.push({
        severity: 'critical',
        code: 'process-stopped',
        service: p.name,
        at,
        message: prev?.pid
          ? `${p.name} is not running (it was, as pid ${prev.pid})`
          : `${p.name} is not running`,
      });
    } else if (
      p.running &&
      prev?.running &&
      p.pid !== undefined &&
      prev.pid !== undefined &&
      p.pid !== prev.pid
    ) {
      out.push({
        severity: 'warning',
        code: 'process-restarted',
        service: p.name,
        at,
        message: `${p.name} restarted (pid ${prev.pid} → ${p.pid})`,
      });
    }
  }
  return out;
}

/**
 * Events wait here until a session can carry them (they are persistent on the broker once sent); the
 * oldest are dropped past the bound, and the drop itself is reported, so a long outage cannot grow the
 * agent's memory.
 */
export class EventOutbox {
  private queue: EventBody[] = [];
  private dropped = 0;

  constructor(private readonly max = 200) {}

  add(...events: EventBody[]): void {
    this.queue.push(...events);
    if (this.queue.length > this.max) {
      this.dropped += this.queue.length - this.max;
      this.queue = this.queue.slice(-this.max);
    }
  }

  /** Sends in order; stops at the first failure and keeps the rest for the next flush. */
  async flush(send: (e: EventBody) => Promise<void>, now: number): Promise<void> {
    if (this.dropped > 0) {
      this.queue.unshift({
        severity: 'warning',
        code: 'events-dropped',
        at: now,
        message: `${this.dropped} older event(s) were dropped while the broker could not be reached`,
      });
      this.dropped = 0;
    }
    while (this.queue.length > 0) {
      const next = this.queue[0] as EventBody;
      await send(next);
      this.queue.shift();
    }
  }

  get size(): number {
    return this.queue.length;
  }
}
