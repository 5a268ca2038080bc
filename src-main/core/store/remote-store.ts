import { z } from 'zod';
import { HelloBody, RemoteId, type Body } from '../../../src-shared/protocol';
import type { Db } from './database';
import { errorText } from '../../../src-shared/util/error-text';

/** A remote as the console remembers it: what it last said in its hello, and when it was heard. */
export interface RememberedRemote {
  id: string;
  hello: Body<'hello'>;
  /** Console clock (ms) of the first hello this database took from it. */
  firstSeen: number;
  /** Console clock (ms) of its last hello. */
  helloAt: number;
  /** Console clock (ms) of the last message of any kind, to within `touchIntervalMs`. */
  lastSeen: number;
}

/** A stored row that does not read back as a remote: left in place, reported, never fatal. */
export interface CorruptRemote {
  id: string;
  error: string;
}

export interface RemoteStoreOptions {
  now?: () => number;
  /** A remote's last-seen time is written at most this often; a hello is written at the next flush. */
  touchIntervalMs?: number;
}

interface RemoteRow {
  id: string;
  hello: string;
  first_seen: number;
  hello_at: number;
  last_seen: number;
}

const Timestamp = z.number().int().nonnegative();
const StoredRemote = z.object({
  id: RemoteId,
  hello: HelloBody,
  firstSeen: Timestamp,
  helloAt: Timestamp,
  lastSeen: Timestamp,
});

const DEFAULT_TOUCH_INTERVAL_MS = 60_000;

/**
 * The fleet the console knows (the `remotes` table), written in batches: hellos and last-seen times are
 * buffered and `flush` writes them in one transaction, and a remote's last-seen time is buffered at most
 * once per `touchIntervalMs`, so a thousand remotes reporting every few seconds cost one small transaction
 * now and then rather than hundreds of synchronous writes a second on the console's event loop.
 */
export class RemoteStore {
  private readonly q;
  private readonly now: () => number;
  private readonly touchIntervalMs: number;
  private readonly hellos = new Map<string, { hello: Body<'hello'>; at: number }>();
  private readonly touches = new Map<string, number>();
  /** The last-seen time last written (or buffered) per remote: what the throttle measures from. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly db: Db,
    opts: RemoteStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.touchIntervalMs = opts.touchIntervalMs ?? DEFAULT_TOUCH_INTERVAL_MS;
    this.q = {
      upsert: db.prepare(
        `INSERT INTO remotes (id, hello, hostname, tags, capabilities, first_seen, hello_at, last_seen)
         VALUES (@id, @hello, @hostname, @tags, @capabilities, @at, @at, @at)
         ON CONFLICT (id) DO UPDATE SET hello = excluded.hello, hostname = excluded.hostname,
           tags = excluded.tags, capabilities = excluded.capabilities, hello_at = excluded.hello_at,
           last_seen = MAX(last_seen, excluded.last_seen)`,
      ),
      touch: db.prepare('UPDATE remotes SET last_seen = MAX(last_seen, ?) WHERE id = ?'),
      list: db.prepare<[], RemoteRow>(
        'SELECT id, hello, first_seen, hello_at, last_seen FROM remotes ORDER BY id',
      ),
      forget: db.prepare('DELETE FROM remotes WHERE id = ?'),
    };
  }

  /** A remote said hello: it replaces what is stored of it at the next flush. */
  hello(id: string, hello: Body<'hello'>, at = this.now()): void {
    this.hellos.set(id, { hello, at });
    this.touches.delete(id);
    this.written.set(id, at);
  }

  /** A remote was heard: its last-seen time is buffered when the last one written is old enough. */
  touch(id: string, at = this.now()): void {
    const pendingHello = this.hellos.get(id);
    if (pendingHello) {
      pendingHello.at = Math.max(pendingHello.at, at);
      return;
    }
    const last = this.written.get(id);
    if (last !== undefined && at - last < this.touchIntervalMs) return;
    this.touches.set(id, at);
    this.written.set(id, at);
  }

  /** Whether anything waits to be written. */
  get pending(): number {
    return this.hellos.size + this.touches.size;
  }

  /** Writes what is buffered in one transaction; returns how many remotes it wrote. */
  flush(): number {
    const n = this.pending;
    if (n === 0) return 0;
    const hellos = [...this.hellos];
    const touches = [...this.touches];
    this.hellos.clear();
    this.touches.clear();
    this.db
      .transaction(() => {
        for (const [id, { hello, at }] of hellos) {
          this.q.upsert.run({
            id,
            hello: JSON.stringify(hello),
            hostname: hello.host.hostname,
            tags: JSON.stringify(hello.tags),
            capabilities: JSON.stringify(hello.capabilities),
            at,
          });
        }
        // A remote not stored yet (heard before its hello) is skipped: its hello, or a relearn, brings it.
        for (const [id, at] of touches) this.q.touch.run(at, id);
      })
      .immediate();
    return n;
  }

  /** Every remembered remote in id order; rows that do not read back are listed apart and left stored. */
  list(): { remotes: RememberedRemote[]; corrupt: CorruptRemote[] } {
    const remotes: RememberedRemote[] = [];
    const corrupt: CorruptRemote[] = [];
    for (const row of this.q.list.all()) {
      const parsed = readRow(row);
      if (parsed.ok) {
        remotes.push(parsed.remote);
        if (!this.written.has(row.id)) this.written.set(row.id, parsed.remote.lastSeen);
      } else corrupt.push({ id: row.id, error: parsed.error });
    }
    return { remotes, corrupt };
  }

  /** Removes a remote (decommissioned); it is remembered again if it says hello again. */
  forget(id: string): boolean {
    this.hellos.delete(id);
    this.touches.delete(id);
    this.written.delete(id);
    return this.q.forget.run(id).changes > 0;
  }
}

function readRow(row: RemoteRow): { ok: true; remote: RememberedRemote } | { ok: false; error: string } {
  let hello: unknown;
  try {
    hello = JSON.parse(row.hello);
  } catch (e) {
    return { ok: false, error: `its hello is not JSON: ${errorText(e)}` };
  }
  const parsed = StoredRemote.safeParse({
    id: row.id,
    hello,
    firstSeen: row.first_seen,
    helloAt: row.hello_at,
    lastSeen: row.last_seen,
  });
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  return { ok: true, remote: parsed.data };
}
