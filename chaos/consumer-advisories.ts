/**
 * Who consumes a remote's config queue, as the broker itself says: subscribing to a queue's consumer
 * advisory topic makes ActiveMQ replay one ConsumerInfo per consumer it has, and the connection advisory
 * topic one ConnectionInfo per connection it holds open (`jms-advisory-json` turns both into JSON). For a
 * queue with more consumers than its one remote, this tells a second subscription on the remote's own
 * connection from a connection the broker still holds for nobody.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { SmtConnection } from '../src-node/smt';

const ConsumerAdvisory = z.object({
  ConsumerInfo: z.object({ consumerId: z.object({ connectionId: z.string(), value: z.number() }) }),
});
const ConnectionAdvisory = z.object({
  ConnectionInfo: z.object({ connectionId: z.object({ value: z.string() }) }),
});

export const QueueConsumer = z.object({
  connection: z.string(),
  consumer: z.number(),
  /** The broker lists the connection as open. */
  open: z.boolean(),
});
export type QueueConsumer = z.infer<typeof QueueConsumer>;

const parse = <T>(schema: z.ZodType<T>, body: string | undefined): T | undefined => {
  try {
    const r = schema.safeParse(JSON.parse(body ?? ''));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
};

/** Each remote's config queue consumers, listened for `collectMs` (the broker replays them at once). */
export async function configQueueConsumers(
  conn: SmtConnection,
  remoteIds: readonly string[],
  collectMs = 2000,
): Promise<Map<string, QueueConsumer[]>> {
  const advisory = { ack: 'auto', headers: { transformation: 'jms-advisory-json' } } as const;
  const open = new Set<string>();
  const seen = new Map<string, { connection: string; consumer: number }[]>();
  const subs = [
    conn.subscribe('/topic/ActiveMQ.Advisory.Connection', advisory, (m) => {
      const c = parse(ConnectionAdvisory, m.body);
      if (c) open.add(c.ConnectionInfo.connectionId.value);
    }),
    ...remoteIds.map((rid) =>
      conn.subscribe(`/topic/ActiveMQ.Advisory.Consumer.Queue.smt.remote.${rid}.config`, advisory, (m) => {
        const c = parse(ConsumerAdvisory, m.body);
        if (!c) return;
        const list = seen.get(rid) ?? [];
        list.push({
          connection: c.ConsumerInfo.consumerId.connectionId,
          consumer: c.ConsumerInfo.consumerId.value,
        });
        seen.set(rid, list);
      }),
    ),
  ];
  await delay(collectMs);
  for (const s of subs) s.unsubscribe();
  return new Map(
    [...seen].map(([rid, list]) => [rid, list.map((c) => ({ ...c, open: open.has(c.connection) }))]),
  );
}
