/**
 * Gathers what arrives in one turn of the event loop and hands it to `flush` as one batch at the next
 * (setImmediate): a burst of frames read from one socket chunk becomes one database transaction.
 * The promise each `add` returns settles once the batch it joined is flushed, and rejects with what the
 * flush threw: nothing is swallowed here.
 */
export function turnBatcher<T>(flush: (items: T[]) => void | Promise<void>): (item: T) => Promise<void> {
  let items: T[] = [];
  let flushed: Promise<void> | undefined;
  return (item) => {
    items.push(item);
    flushed ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const batch = items;
        items = [];
        flushed = undefined;
        (async () => flush(batch))().then(resolve, reject);
      }),
    );
    return flushed;
  };
}
