/** What the bare-broker baseline's console and remotes say to each other: plain JSON, no SMT envelope. */
import { z } from 'zod';

/** The queue a bare remote consumes (the identity plugin lets a remote read smt.remote.<its id>.>). */
export const bareRemoteQueue = (rid: string) => `/queue/smt.remote.${rid}.bench`;
/** Where bare remotes answer and say hello (remotes may write smt.console.>). */
export const bareConsoleQueue = (cid: string) => `/queue/smt.console.${cid}.bench`;

export const BareRemotesConfig = z.strictObject({
  brokers: z.array(z.strictObject({ host: z.string().min(1), port: z.number().int().positive() })).min(1),
  caFile: z.string().min(1),
  consoleId: z.string().min(1),
  remotes: z
    .array(z.strictObject({ id: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }))
    .min(1),
  /** Sessions opened at a time at start, as the simulator does. */
  concurrency: z.number().int().positive(),
});
export type BareRemotesConfig = z.infer<typeof BareRemotesConfig>;

const Count = z.number().int().nonnegative();

/**
 * A message from the bare console: its round and its number within the round for this remote (a remote
 * that catches up gets many); the padding makes it as large as SMT's config message.
 */
export const BareRequest = z.strictObject({ round: Count, n: Count, pad: z.string() });
/** What a bare remote sends the console: its answer to one message, or its hello with its clock. */
export const BareAnswer = z.union([
  z.strictObject({ from: z.string(), round: Count, n: Count }),
  z.strictObject({ from: z.string(), hello: z.number() }),
]);
export type BareAnswer = z.infer<typeof BareAnswer>;

/** The bare consumer of the fleet's live topics: the console's certificate, the same subscriptions. */
export const BareConsumerConfig = z.strictObject({
  brokers: BareRemotesConfig.shape.brokers,
  caFile: z.string().min(1),
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1),
});
export type BareConsumerConfig = z.infer<typeof BareConsumerConfig>;

/**
 * Parses a body with `schema`; undefined for anything else, JSON or not. After a failover ActiveMQ once
 * handed the bare console a body that held a whole STOMP frame (the stomp+nio+ssl fault of
 * docs/architecture.md), and a bare JSON.parse ended the bench.
 */
export function parseBody<T>(schema: z.ZodType<T>, text: string): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
