export interface EmitterOptions<M extends object> {
  /**
   * The only event names `on` takes; any other throws. For an emitter whose names reach it as data
   * (an event list walked at run time), where a misspelt one would otherwise wait silently forever.
   */
  names?: readonly (keyof M)[];
  /**
   * Told of a listener that threw; the other listeners still run. Without it the throw reaches the
   * emitter's caller and the listeners after it do not run.
   */
  onError?: (event: keyof M, error: unknown) => void;
}

/**
 * Listeners by event name, each event with its own payload type (`M` maps names to payloads). Listeners
 * run in the order they were added; `on` returns the function that removes the listener again.
 */
export class TypedEmitter<M extends object> {
  private readonly sets = new Map<keyof M, Set<(payload: never) => void>>();

  constructor(private readonly opts: EmitterOptions<M> = {}) {}

  on<E extends keyof M>(event: E, listener: (payload: M[E]) => void): () => void {
    if (this.opts.names && !this.opts.names.includes(event)) {
      throw new Error(`unknown event "${String(event)}"`);
    }
    let set = this.sets.get(event);
    if (!set) this.sets.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends keyof M>(event: E, payload: M[E]): void {
    const onError = this.opts.onError;
    for (const l of this.sets.get(event) ?? []) {
      const listener = l as (payload: M[E]) => void;
      if (!onError) listener(payload);
      else {
        try {
          listener(payload);
        } catch (e) {
          onError(event, e);
        }
      }
    }
  }

  listenerCount(event: keyof M): number {
    return this.sets.get(event)?.size ?? 0;
  }
}
