/**
 * Runs async tasks strictly one after another: two applies to the same server must not interleave
 * (a rollback of one would restore files or config under the other).
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
