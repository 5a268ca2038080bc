import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The console database cannot take a write now, for a reason an operator cures without touching the
 * data: a full disk, a read-only filesystem or file, a failing write. Nothing was half-written (SQLite's
 * transactions are all or nothing); what the write carried is refused or kept to be written again.
 * `retryable`: the console core keeps a result whose listener threw this unacknowledged, and offers it
 * again (console-core.ts), so a remote's result is not lost while the disk is full.
 */
export class StoreUnwritableError extends Error {
  override name = 'StoreUnwritableError';
  readonly retryable = true;
  constructor(
    readonly file: string,
    /** SQLite's code: SQLITE_FULL, SQLITE_READONLY…, SQLITE_IOERR…, SQLITE_CANTOPEN. */
    readonly code: string,
    why: string,
    cause: unknown,
  ) {
    super(`the console database ${file} cannot be written: ${why} (${code})`, { cause });
  }
}

/** Why a directory cannot take a new file, as the filesystem says; undefined when it can. */
function dirProblem(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `${dir} is on a read-only filesystem: remount it read-write`;
    if (code === 'ENOENT') return `${dir} does not exist`;
    return `${dir} cannot be written (${code ?? String(e)}): give the console's user write access`;
  }
}

/** The error as a StoreUnwritableError when SQLite says the database's storage refused it. */
export function unwritableOf(e: unknown, file: string): StoreUnwritableError | undefined {
  if (e instanceof StoreUnwritableError) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') {
    return new StoreUnwritableError(file, code, `its disk is full: free space on it`, e);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    const why = dirProblem(dirname(file)) ?? 'the file is read-only: make it writable for the console';
    return new StoreUnwritableError(file, code, why, e);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    const why =
      dirProblem(dirname(file)) ?? `the disk refused a write (${String((e as Error).message)}): check it`;
    return new StoreUnwritableError(file, code, why, e);
  }
  if (code === 'SQLITE_CANTOPEN') {
    const why = dirProblem(dirname(file)) ?? 'the file cannot be opened: check its permissions and disk';
    return new StoreUnwritableError(file, code, why, e);
  }
  return undefined;
}
