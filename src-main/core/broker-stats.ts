import { connect } from 'node:net';
import { z } from 'zod';
import { RemoteId } from '../../src-shared/protocol';
import type { InboundMessage, SmtConnection } from '../../src-node/smt';

/**
 * What the console asks the broker about its remotes' queues (docs/broker.md "Broker path"): one
 * wildcard request to ActiveMQ's statistics plugin answers one message per queue and an empty end
 * marker, and for each queue with messages waiting a queue browser reads the oldest one's timestamp.
 * Asked on demand (the Broker screen refreshes every 10 s), never per remote per second.
 */

const STATS_DESTINATION = '/queue/ActiveMQ.Statistics.Destination.smt.remote.>';
/** Asks the plugin for an empty message after the last queue's, so the console knows the answer is whole. */
const END_MARKER_HEADER = 'ActiveMQ.Statistics.Destination.List.End.With.Null';

/** jettison's rendering of a MapMessage entry: the key, and the value under its Java type's name. */
const MapEntry = z.union([
  z.object({ string: z.tuple([z.string(), z.string()]) }),
  z
    .object({ string: z.string() })
    .catchall(z.union([z.number(), z.string(), z.boolean(), z.null()]))
    .refine((e) => Object.keys(e).length === 2, 'an entry is a key and one value'),
]);
const MapMessage = z.object({
  map: z.union([z.object({ entry: z.union([MapEntry, z.array(MapEntry)]) }), z.literal(''), z.object({})]),
});

export interface QueueStat {
  remoteId: string;
  kind: 'config' | 'command';
  size: number;
  consumers: number;
}

export class StatsFrameError extends Error {
  override name = 'StatsFrameError';
}

const queueName = /^queue:\/\/smt\.remote\.([^.]+)\.(config|command|query|broadcast)$/;

/**
 * One reply of the statistics plugin (transformation jms-map-json). `end`: the empty end marker;
 * `other`: a queue the broker path does not show (query, broadcast); a frame that is not a statistics
 * map throws StatsFrameError.
 */
export function parseStatsReply(body: string): QueueStat | 'end' | 'other' {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new StatsFrameError('a statistics reply is not JSON');
  }
  const parsed = MapMessage.safeParse(json);
  if (!parsed.success) throw new StatsFrameError(`a statistics reply is not a map: ${parsed.error.message}`);
  const map = parsed.data.map;
  if (map === '' || !('entry' in map)) return 'end';
  const values = new Map<string, unknown>();
  for (const e of Array.isArray(map.entry) ? map.entry : [map.entry]) {
    if (Array.isArray(e.string)) values.set(e.string[0], e.string[1]);
    else {
      const [, value] = Object.entries(e).find(([k]) => k !== 'string') ?? [];
      values.set(e.string, value);
    }
  }
  const name = values.get('destinationName');
  if (typeof name !== 'string') throw new StatsFrameError('a statistics reply names no destination');
  const m = queueName.exec(name);
  if (!m || !RemoteId.safeParse(m[1]).success) return 'other';
  if (m[2] !== 'config' && m[2] !== 'command') return 'other';
  const count = (key: string) => {
    const v = values.get(key);
    // Past 2^53 a JSON number is no longer the count the broker sent.
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new StatsFrameError(`the statistics of ${name} have no ${key} count`);
    }
    return v;
  };
  return { remoteId: m[1] as string, kind: m[2], size: count('size'), consumers: count('consumerCount') };
}

export interface QueueStatsResult {
  queues: QueueStat[];
  /** False when the end marker did not come in time: the list may lack queues. */
  complete: boolean;
  /** Replies that were not statistics maps (counted, logged by the caller). */
  bad: number;
}

/**
 * Every remote's config and command queue as the broker counts them, in one request. The reply queue
 * is this console session's own (ConsoleCore.statsReplyQueue, smt.console.<id>.stats.<session>): a
 * queue shared by the processes of one console would hand each reply to one of them. It is not the
 * session's query reply queue: these replies need the jms-map-json transformation on the subscription
 * and are no SMT envelopes. Replies to an earlier request that timed out are told apart by correlation-id.
 */
export function queueStats(
  conn: SmtConnection,
  replyTo: string,
  timeoutMs: number,
): Promise<QueueStatsResult> {
  const correlation = crypto.randomUUID();
  return new Promise<QueueStatsResult>((resolve, reject) => {
    const queues: QueueStat[] = [];
    let bad = 0;
    let done = false;
    const finish = (complete: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.unsubscribe();
      resolve({ queues, complete, bad });
    };
    const sub = conn.subscribe(
      replyTo,
      { ack: 'auto', headers: { transformation: 'jms-map-json' } },
      (m: InboundMessage) => {
        if (done || m.headers['correlation-id'] !== correlation) return;
        try {
          const r = parseStatsReply(m.body ?? '');
          if (r === 'end') finish(true);
          else if (r !== 'other') queues.push(r);
        } catch {
          bad++;
        }
      },
    );
    const timer = setTimeout(() => finish(false), timeoutMs);
    conn
      .send(
        STATS_DESTINATION,
        { 'reply-to': replyTo, 'correlation-id': correlation, [END_MARKER_HEADER]: 'true' },
        '',
      )
      .catch((e: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sub.unsubscribe();
        reject(e instanceof Error ? e : new Error(String(e)));
      });
  });
}

/**
 * The broker timestamp of the oldest message waiting in a queue, read with a queue browser (which takes
 * nothing away), or null when the queue is empty or the browser did not answer in time. Bodies are not
 * read: the timestamp is a header.
 */
export function oldestMessageAt(
  conn: SmtConnection,
  destination: string,
  timeoutMs: number,
): Promise<number | null> {
  return new Promise<number | null>((resolve) => {
    let done = false;
    const finish = (at: number | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.unsubscribe();
      resolve(at);
    };
    const sub = conn.subscribe(
      destination,
      { ack: 'auto', maxBodyBytes: 1, headers: { browser: 'true', 'activemq.prefetchSize': '1' } },
      (m) => {
        // ActiveMQ ends a browse with a message headed `browser: end`; an empty queue sends only that.
        if (m.headers.browser === 'end') return finish(null);
        const ts = Number(m.headers.timestamp);
        finish(Number.isFinite(ts) && ts > 0 ? ts : null);
      },
    );
    const timer = setTimeout(() => finish(null), timeoutMs);
  });
}

/** Whether a broker accepts a TCP connection now; the reason when it does not. */
export function probeBroker(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const end = (error: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => end(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => end(null));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      end(e.code === 'ECONNREFUSED' ? 'connection refused (a standby waits for the store lock)' : e.message),
    );
  });
}
