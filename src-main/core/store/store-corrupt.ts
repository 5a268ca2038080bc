/** A row that does not read back as what was written: the database was changed behind the console's back. */
export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
}
