import type { FleetPatch } from '../../src-shared/ipc/views';
import type { FleetModel } from './fleet-model';

/**
 * Turns a stream of model changes into at most one FleetPatch per interval: a thousand remotes
 * reporting every few seconds must not become a thousand IPC messages.
 */
export class FleetPatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly model: FleetModel,
    private readonly emit: (patch: FleetPatch) => void,
    private readonly now: () => number,
    private readonly intervalMs = 250,
  ) {}

  /** Something changed: a patch follows within the interval. */
  poke(): void {
    if (this.timer) return;
    const delay = Math.max(0, this.lastEmit + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), delay);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const upserts = this.model.takeChanges();
    if (upserts.length === 0) return;
    this.lastEmit = this.now();
    this.emit({ at: this.lastEmit, upserts });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
