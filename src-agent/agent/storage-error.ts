import { errorText } from '../../src-shared/util/error-text';

/**
 * Write failures that end by themselves once an operator frees space or makes the disk writable again,
 * as opposed to a bad config or a broken target: the agent holds the config message (unacknowledged)
 * and tries again, instead of recording a failure that a retry of the push would be needed to undo.
 */
const hints: Record<string, string> = {
  ENOSPC: 'the disk is full: free space on it',
  EDQUOT: 'the disk quota is used up: free space or raise the quota',
  EROFS: 'the filesystem is read-only: remount it read-write',
};

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    /** The errno code: ENOSPC, EDQUOT or EROFS. */
    readonly code: string,
    /** What could not be written, e.g. "the ledger /var/lib/smt-agent/ledger.jsonl". */
    readonly what: string,
    cause: unknown,
  ) {
    const said = errorText(cause);
    super(
      `${what} cannot be written (${said.startsWith(code) ? said : `${code}: ${said}`}): ${hints[code] ?? 'check the disk'}`,
      { cause },
    );
  }

  /** "disk-full" or "disk-read-only": the code of the event the agent reports. */
  get eventCode(): string {
    return this.code === 'EROFS' ? 'disk-read-only' : 'disk-full';
  }
}

/** The error as a StorageError when it is one (or an errno error of that kind), else undefined. */
export function storageErrorOf(e: unknown, what: string): StorageError | undefined {
  if (e instanceof StorageError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && code in hints ? new StorageError(code, what, e) : undefined;
}
