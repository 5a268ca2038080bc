import { z } from 'zod';
import type { RemoteEvent } from '../../../src-shared/ipc/remote-views';
import { EventBody, type Envelope } from '../../../src-shared/protocol';
import type { Db } from './database';

const Row = z.object({
  seq: z.number().int().positive(),
  remote_id: z.string(),
  received_at: z.number().int(),
  event: z.string(),
});

/** Events as remotes reported them, newest first per remote, kept for a bounded time. */
export class EventStore {
  private readonly insert;
  private readonly recent;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare<[string, number, string]>(
      'INSERT INTO remote_events (remote_id, received_at, event) VALUES (?, ?, ?)',
    );
    this.recent = db.prepare<[string, number]>(
      'SELECT seq, remote_id, received_at, event FROM remote_events WHERE remote_id = ? ORDER BY seq DESC LIMIT ?',
    );
    this.prune = db.prepare<[number]>('DELETE FROM remote_events WHERE received_at < ?');
  }

  add(env: Envelope<'event'>, receivedAt: number): void {
    this.addFor(env.from, env.body, receivedAt);
  }

  /** An event the console itself raises about a remote (a drift), shown among the remote's own. */
  addFor(remoteId: string, body: z.infer<typeof EventBody>, at: number): void {
    this.insert.run(remoteId, at, JSON.stringify(body));
  }

  /** A row that does not read back as an event is skipped and counted, never shown half-parsed. */
  recentOf(remoteId: string, limit: number): { events: RemoteEvent[]; corrupt: number } {
    const events: RemoteEvent[] = [];
    let corrupt = 0;
    for (const raw of this.recent.all(remoteId, limit)) {
      const row = Row.safeParse(raw);
      const body = row.success ? EventBody.safeParse(safeJson(row.data.event)) : undefined;
      if (!row.success || !body?.success) {
        corrupt++;
        continue;
      }
      events.push({
        ...body.data,
        seq: row.data.seq,
        remoteId: row.data.remote_id,
        receivedAt: row.data.received_at,
      });
    }
    return { events, corrupt };
  }

  pruneBefore(at: number): number {
    return this.prune.run(at).changes;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
