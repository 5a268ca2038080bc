import type { RolloutStep } from '../../../src-shared/push/rollout';
import type { PushSummary } from '../../../src-shared/push/summary';
import type { LogSink } from '../../../src-node/log';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import type { PushRecord } from '../store/push-store';

export interface PushProgress {
  pushId: string;
  state: PushRecord['state'];
  haltReason: string | null;
  summary: PushSummary;
  step: RolloutStep;
}

export type ProgressListener = (p: PushProgress) => void;

/**
 * Progress events, at most one per push every `intervalMs`: a push to a thousand remotes moves a
 * thousand times in a second, and each event reads its deliveries back (`progress`).
 */
export class ProgressFeed {
  private readonly events = new TypedEmitter<{ progress: PushProgress }>({
    onError: (_event, e) =>
      this.log({ level: 'error', msg: 'push progress listener failed', error: String(e) }),
  });
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly progress: (pushId: string) => PushProgress,
    private readonly intervalMs: number,
    private readonly log: LogSink,
  ) {}

  onProgress(listener: ProgressListener): () => void {
    return this.events.on('progress', listener);
  }

  /** The push moved: its listeners hear of it at the end of the current interval. */
  changed(pushId: string): void {
    this.dirty.add(pushId);
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) this.events.emit('progress', this.progress(id));
  }
}
