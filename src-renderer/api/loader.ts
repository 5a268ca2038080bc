import type { IpcResult } from '../../src-shared/ipc/result';
import { errorText } from '../../src-shared/util/error-text';

/** What a screen shows of one thing it asks the console for. */
export interface LoadState<T> {
  /** The last value read; kept, with `error` set, when a later read fails, so the screen does not blank. */
  value: T | null;
  /** Why the last read failed; null once one succeeds. */
  error: string | null;
  /** A read is under way. */
  busy: boolean;
  /** When the last good read ended (ms since the epoch). */
  fetchedAt: number | null;
}

export type Read<T> = () => Promise<IpcResult<T>>;

const initial: LoadState<never> = { value: null, error: null, busy: false, fetchedAt: null };

/**
 * Reads one thing from the console for a screen, one read at a time: an ask during a read makes one more
 * read after it (not one per ask), so a burst of push events or a slow console never piles reads up. A new
 * question (another remote, another filter) drops the answer of a read to the old one. The React side is
 * use-load.ts; this part has no React in it, so its rules are tested without rendering.
 */
export class Loader<T> {
  #state: LoadState<T> = initial;
  #read: Read<T> | undefined;
  /** Bumped by each new question; a read whose question is no longer current is not shown. */
  #question = 0;
  #running = false;
  #again = false;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  get state(): LoadState<T> {
    return this.#state;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Reads with `read`; a different `read` is a new question, and `reset` forgets the old one's answer. */
  ask(read: Read<T>, reset = false): void {
    if (read !== this.#read) {
      this.#read = read;
      this.#question++;
      if (reset) this.#set({ ...initial, busy: this.#running });
    }
    this.load();
  }

  /** Reads the current question again (polling, or after an action changed the answer). */
  readonly load = (): void => {
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.#run();
  };

  async #run(): Promise<void> {
    this.#running = true;
    this.#set({ ...this.#state, busy: true });
    do {
      this.#again = false;
      const read = this.#read;
      if (!read) break;
      const question = this.#question;
      let r: IpcResult<T>;
      try {
        r = await read();
      } catch (e) {
        r = { ok: false, error: { code: 'internal', message: errorText(e) } };
      }
      if (question !== this.#question) {
        this.#again = true;
        continue;
      }
      this.#set(
        r.ok
          ? { ...this.#state, value: r.value, error: null, fetchedAt: this.now() }
          : { ...this.#state, error: r.error.message },
      );
    } while (this.#again);
    this.#running = false;
    this.#set({ ...this.#state, busy: false });
  }

  #set(state: LoadState<T>): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
