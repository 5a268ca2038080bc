import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from './durable-file';
import { storageErrorOf } from './storage-error';

/**
 * How a config message ended on this remote; 'superseded' is derived from versions and not recorded.
 * 'rolled-back' leaves the object's applied version as it was: the previous one is what is served.
 */
export const LedgerEntry = z.object({
  /** The smt-id (envelope id) of the config message. */
  id: z.string().min(1),
  state: z.enum(['applied', 'failed', 'rolled-back']),
  /** "zone:<name>" or "scope:<cidr>" (see objectKey). */
  object: z.string().min(1),
  version: z.number().int().positive(),
  op: z.enum(['upsert', 'delete']),
  sha256: z.string().optional(),
  reason: z.string().optional(),
  at: z.number().int().nonnegative(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export interface AppliedVersion {
  version: number;
  sha256?: string;
  at: number;
}

export class LedgerCorruptError extends Error {
  constructor(file: string, line: number, detail: string) {
    super(
      `ledger ${file} is damaged at line ${line} (${detail}); it is not the last line, so this is not a torn ` +
        'write: restore the file from a backup or move it aside (the agent then re-applies what it receives)',
    );
    this.name = 'LedgerCorruptError';
  }
}

export interface LedgerOptions {
  /** Message ids remembered for duplicate detection; older ones are dropped at compaction. */
  keepIds?: number;
}

/**
 * The agent's durable memory of what it did: an append-only JSON-lines file, each line written and
 * fdatasync'd before the caller acknowledges the message it records. A crash can only tear the last
 * line, which is ignored (and cut off) on open. A write that fails (a full or read-only disk) is cut
 * off too, before anything else is appended, and the entry is not taken: the file never holds a torn
 * line in its middle, and the ledger never answers from an entry that is not on disk. When the file
 * grows past twice what it must keep, it is rewritten with the newest entries per object and the newest
 * message ids (temp file, fsync, rename, fsync of the directory), so it stays small on a remote that
 * runs for years.
 */
export class Ledger {
  private readonly byId = new Map<string, LedgerEntry>();
  private readonly applied = new Map<string, AppliedVersion>();
  private lines = 0;
  /** Length of the file's whole lines: where the next line goes, and what a failed write is cut back to. */
  private bytes = 0;
  /** A failed write may have left part of its line after `bytes`. */
  private torn = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly keepIds: number;

  private constructor(
    /** Undefined for a ledger kept in memory only (a simulator without a state directory). */
    readonly file: string | undefined,
    private fh: FileHandle | undefined,
    opts: LedgerOptions,
  ) {
    this.keepIds = opts.keepIds ?? 10_000;
  }

  /** Opens (or creates) the ledger in `dir`, replaying it; a torn last line is cut off. */
  static async open(dir: string, opts: LedgerOptions = {}): Promise<Ledger> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'ledger.jsonl');
    let raw = '';
    try {
      raw = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const entries: LedgerEntry[] = [];
    let goodBytes = 0;
    const parts = raw.split('\n');
    // Everything after the last newline is an unfinished write; so is an unparseable final line.
    for (const [i, line] of parts.entries()) {
      const complete = i < parts.length - 1;
      if (!complete) break;
      const entry = parseLine(line);
      if (!entry) {
        const isLast = parts.slice(i + 1).every((p) => p === '');
        if (isLast) break;
        throw new LedgerCorruptError(file, i + 1, 'not a ledger entry');
      }
      entries.push(entry);
      goodBytes += Buffer.byteLength(line, 'utf8') + 1;
    }
    let fh: FileHandle;
    try {
      fh = await open(file, 'a+', 0o600);
      if (goodBytes < Buffer.byteLength(raw, 'utf8')) {
        await fh.truncate(goodBytes);
        await fh.datasync();
      }
    } catch (e) {
      throw storageErrorOf(e, `the ledger ${file}`) ?? e;
    }
    const ledger = new Ledger(file, fh, opts);
    ledger.bytes = goodBytes;
    for (const e of entries) ledger.remember(e);
    ledger.lines = entries.length;
    if (ledger.lines > 2 * ledger.keepIds) await ledger.compact();
    return ledger;
  }

  /** Same answers, nothing on disk: for simulated remotes whose memory may end with the process. */
  static inMemory(opts: LedgerOptions = {}): Ledger {
    return new Ledger(undefined, undefined, opts);
  }

  get(id: string): LedgerEntry | undefined {
    return this.byId.get(id);
  }

  lastApplied(object: string): AppliedVersion | undefined {
    return this.applied.get(object);
  }

  /**
   * Appends one entry and resolves once it is on disk; entries are written one at a time, in call order.
   * Rejects with a StorageError when the disk is full or read-only: nothing of the entry is kept.
   */
  record(entry: LedgerEntry): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(LedgerEntry.parse(entry))}\n`, 'utf8');
    const write = this.chain.then(async () => {
      if (this.fh) await this.append(this.fh, line);
      this.remember(entry);
      this.lines++;
      // The rewrite only saves space: a failed one leaves the file as it was, and is tried again later.
      if (this.lines > 2 * this.keepIds) await this.compact().catch(() => undefined);
    });
    // A failed write fails its caller (who then does not ack); the next write still runs.
    this.chain = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh?.close();
    this.fh = undefined;
  }

  private async append(fh: FileHandle, line: Buffer): Promise<void> {
    try {
      if (this.torn) {
        await fh.truncate(this.bytes);
        this.torn = false;
      }
      this.torn = true;
      // A full disk may take part of the line and report no error; the rest is not written then.
      const { bytesWritten } = await fh.write(line);
      if (bytesWritten < line.length) {
        throw Object.assign(new Error(`wrote ${bytesWritten} of ${line.length} bytes`), { code: 'ENOSPC' });
      }
      await fh.datasync();
      this.torn = false;
      this.bytes += line.length;
    } catch (e) {
      // Cut now if the disk lets us; otherwise before the next write.
      if (this.torn)
        await fh.truncate(this.bytes).then(
          () => (this.torn = false),
          () => undefined,
        );
      throw storageErrorOf(e, `the ledger ${this.file ?? ''}`) ?? e;
    }
  }

  private remember(e: LedgerEntry): void {
    this.byId.set(e.id, e);
    if (e.state === 'applied') {
      const prev = this.applied.get(e.object);
      if (!prev || e.version >= prev.version) {
        this.applied.set(e.object, { version: e.version, sha256: e.sha256, at: e.at });
      }
    }
  }

  private async compact(): Promise<void> {
    const keep = new Map<string, LedgerEntry>();
    // The entry that set each object's applied version survives whatever its age.
    for (const e of this.byId.values()) {
      const applied = this.applied.get(e.object);
      if (e.state === 'applied' && applied?.version === e.version && applied.at === e.at) keep.set(e.id, e);
    }
    for (const e of [...this.byId.values()].slice(-this.keepIds)) keep.set(e.id, e);
    const entries = [...keep.values()].sort((a, b) => a.at - b.at);
    if (this.file) {
      const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      await writeFileDurably(this.file, text);
      await this.fh?.close();
      this.fh = await open(this.file, 'a+', 0o600);
      this.bytes = Buffer.byteLength(text, 'utf8');
      this.torn = false;
    }
    this.byId.clear();
    for (const e of entries) this.byId.set(e.id, e);
    this.lines = entries.length;
  }
}

function parseLine(line: string): LedgerEntry | undefined {
  try {
    const parsed = LedgerEntry.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
