import { selectRemotes, type SelectableRemote, type TargetSelector } from '../../src-shared/config/selector';

export interface SelectionWaitOptions {
  /** The answer depends on which remotes are online now, which only this session's presence tells. */
  live: boolean;
  /** The remotes the console remembered from earlier sessions (the remotes table seeded the core with). */
  remembered: ReadonlySet<string>;
  /** Without an answer from memory, the selection is taken as known once it stopped changing this long. */
  settleMs: number;
}

/** Whether the selection turns on live status: `online` / `offline` filters. */
export const needsLiveStatus = (selector: TargetSelector): boolean =>
  selector.kind === 'filter' && selector.status !== 'any';

/**
 * When a command may go on with the fleet it knows: at once when the remembered fleet answers (every id
 * named is known; or a tag or capability selection that needs no live status picks a remembered remote:
 * memory, not whichever hello came first, says what the selection is), else once
 * the selection, with who is online in it when that matters, stopped changing for `settleMs`. Pure: the
 * caller polls it with the fleet and the clock, and bounds the wait.
 */
export class SelectionWait {
  private last = '';
  private since = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly selector: TargetSelector,
    private readonly opts: SelectionWaitOptions,
  ) {}

  ready(fleet: readonly SelectableRemote[], now: number): boolean {
    const selected = selectRemotes(this.selector, fleet);
    if (this.selector.kind === 'ids') return selected.length === new Set(this.selector.ids).size;
    if (!this.opts.live && selected.some((id) => this.opts.remembered.has(id))) return true;
    const online = new Set(fleet.filter((r) => r.status === 'online').map((r) => r.id));
    const signature = selected.map((id) => (this.opts.live && online.has(id) ? `${id}+` : id)).join(',');
    if (signature !== this.last) {
      this.last = signature;
      this.since = now;
    }
    return selected.length > 0 && now - this.since >= this.opts.settleMs;
  }
}
