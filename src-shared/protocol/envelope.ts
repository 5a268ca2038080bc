import { z } from 'zod';
import {
  BroadcastBody,
  CommandBody,
  ConfigBody,
  EventBody,
  HelloBody,
  LogBody,
  PresenceBody,
  QueryBody,
  ReplyBody,
  ResultBody,
  ServedBody,
  StatsBody,
  UsageBody,
} from './bodies';
import { MessageId, RemoteId } from './ids';
import { errorText } from '../util/error-text';

/** The thirteen SMT channel types of design.md §4, each with the schema of its body. */
export const bodySchemas = {
  config: ConfigBody,
  command: CommandBody,
  query: QueryBody,
  broadcast: BroadcastBody,
  result: ResultBody,
  reply: ReplyBody,
  hello: HelloBody,
  served: ServedBody,
  stats: StatsBody,
  presence: PresenceBody,
  usage: UsageBody,
  event: EventBody,
  log: LogBody,
} as const;

export type ChannelType = keyof typeof bodySchemas;
export const channelTypes = Object.keys(bodySchemas) as ChannelType[];
export type Body<T extends ChannelType> = z.infer<(typeof bodySchemas)[T]>;

export const PROTOCOL_VERSION = 1;

const envelopeOf = <T extends ChannelType>(type: T) =>
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    id: MessageId,
    type: z.literal(type),
    from: RemoteId,
    ts: z.number().int().nonnegative(),
    corr: MessageId.optional(),
    body: bodySchemas[type],
  });

type EnvelopeSchemas = { [T in ChannelType]: ReturnType<typeof envelopeOf<T>> };
export const envelopeSchemas = Object.fromEntries(
  channelTypes.map((t) => [t, envelopeOf(t)]),
) as EnvelopeSchemas;

export const Envelope = z.discriminatedUnion(
  'type',
  channelTypes.map((t) => envelopeSchemas[t]) as unknown as [
    EnvelopeSchemas[ChannelType],
    ...EnvelopeSchemas[ChannelType][],
  ],
);
export type Envelope<T extends ChannelType = ChannelType> = { [K in T]: z.infer<EnvelopeSchemas[K]> }[T];

/** Why an inbound frame was dropped: counted per remote and per reason (design.md §4). */
export type RejectReason =
  | 'oversized'
  | 'not-json'
  | 'unknown-type'
  | 'unsupported-version'
  | 'schema'
  | 'unexpected-type'
  | 'identity-mismatch'
  | 'rate-limited'
  | 'bad-reply-to';

export type Decoded<T extends ChannelType> =
  { ok: true; envelope: Envelope<T> } | { ok: false; reason: RejectReason; detail: string };

/** 1 MiB covers every message but config; config bodies may carry a whole zone. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_CONFIG_FRAME_BYTES = 5 * 1024 * 1024;

/**
 * Parses one STOMP body into an envelope of one of the expected channel types.
 * Never throws: every way a frame can be wrong comes back as a reason an operator can act on.
 */
export function decodeEnvelope<T extends ChannelType>(
  raw: string,
  expected: readonly T[],
  maxBytes = DEFAULT_MAX_FRAME_BYTES,
): Decoded<T> {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: skip the exact count when it cannot matter.
  if (raw.length * 3 > maxBytes && new TextEncoder().encode(raw).byteLength > maxBytes) {
    return { ok: false, reason: 'oversized', detail: `body is over ${maxBytes} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return { ok: false, reason: 'not-json', detail: errorText(e) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'not-json', detail: 'body is not a JSON object' };
  }
  const { v, type } = json as { v?: unknown; type?: unknown };
  if (v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: 'unsupported-version',
      detail: `protocol version ${JSON.stringify(v)}, expected ${PROTOCOL_VERSION}`,
    };
  }
  if (typeof type !== 'string' || !(channelTypes as string[]).includes(type)) {
    return { ok: false, reason: 'unknown-type', detail: `unknown message type ${JSON.stringify(type)}` };
  }
  if (!(expected as readonly string[]).includes(type)) {
    return {
      ok: false,
      reason: 'unexpected-type',
      detail: `type "${type}" is not accepted here (expected ${expected.join(', ')})`,
    };
  }
  // After version and type, so that damage to those keeps its own reason. Only text holding "__proto__"
  // or a \u escape can spell the key: the walk stays off the hot path.
  if (raw.includes('__proto__') || raw.includes('\\u')) {
    const at = protoKeyPath(json);
    if (at !== undefined) {
      return { ok: false, reason: 'schema', detail: `key "__proto__" at ${at} is not allowed` };
    }
  }
  let parsed: ReturnType<EnvelopeSchemas[T]['safeParse']>;
  try {
    parsed = envelopeSchemas[type as T].safeParse(json) as typeof parsed;
  } catch (e) {
    // zod recurses: a free-form member (a reply's data) nested thousands deep overflows the stack.
    const why = e instanceof RangeError ? 'body nests too deep to check' : String(e);
    return { ok: false, reason: 'schema', detail: why.slice(0, 500) };
  }
  if (!parsed.success) {
    return { ok: false, reason: 'schema', detail: z.prettifyError(parsed.error).slice(0, 500) };
  }
  return { ok: true, envelope: parsed.data as Envelope<T> };
}

/**
 * Where a parsed JSON value holds an own key `__proto__`, as a path, or undefined. JSON.parse makes such a
 * key a plain member, but zod (and any `obj[key] = value` copy) drops it or reads it as the prototype: a
 * frame holding one would not arrive as it was sent, so it is refused, not silently changed.
 * Iterative, because a 1 MiB body can nest deeper than the call stack.
 */
export function protoKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '$']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, path] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) return path;
    for (const [k, v] of Object.entries(node)) stack.push([v, `${path}.${k}`]);
  }
  return undefined;
}

/** Builds a valid envelope; the body is checked so a sender cannot emit what a receiver would drop. */
export function makeEnvelope<T extends ChannelType>(
  type: T,
  from: string,
  body: Body<T>,
  opts: { id?: string; ts?: number; corr?: string } = {},
): Envelope<T> {
  const env = {
    v: PROTOCOL_VERSION,
    id: opts.id ?? crypto.randomUUID(),
    type,
    from,
    ts: opts.ts ?? Date.now(),
    ...(opts.corr ? { corr: opts.corr } : {}),
    body,
  };
  return envelopeSchemas[type].parse(env) as Envelope<T>;
}
