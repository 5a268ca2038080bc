/**
 * Generators of SMT frame bodies for property-based tests of every receiver: valid envelopes of each
 * channel, and hostile ones that each carry the verdict an inbound guard owes them (by construction, or
 * from the envelope's own schema for random field mutations). Used at the decoder, at the console core
 * and at the agent, in unit and integration tests.
 */
import fc from 'fast-check';
import {
  PROTOCOL_VERSION,
  channelTypes,
  envelopeSchemas,
  protoKeyPath,
  type Body,
  type ChannelType,
  type RejectReason,
} from '../index';

export const remoteIds = ['r-0001', 'r-0002', 'r-0003'] as const;
export const consoleIds = ['lab-console', 'other-console'] as const;

const text = (max = 40) => fc.string({ maxLength: max });
const nat = fc.nat({ max: 1_000_000 });
const service = fc.constantFrom('named', 'kea-dhcp4', 'kea-dhcp6', 'bgpd', 'zebra', 'ospfd' as const);
const configObject = fc.oneof(
  fc.constantFrom('example.test', 'a.example.', '0.2.192.in-addr.arpa').map((name) => ({
    kind: 'zone' as const,
    name,
  })),
  fc.constantFrom('192.0.2.0/24', '10.0.0.0/8').map((subnet) => ({ kind: 'scope' as const, subnet })),
);

/** A valid body of each channel, varied where its schema allows. */
export const bodies: { [T in ChannelType]: fc.Arbitrary<Body<T>> } = {
  config: fc.record({
    pushId: fc.uuid({ version: 4 }),
    object: configObject,
    version: fc.integer({ min: 1, max: 1000 }),
    op: fc.constant('delete' as const),
  }),
  command: fc.record({ action: fc.constantFrom('reload', 'restart', 'flush-cache' as const), service }),
  query: fc.oneof(
    fc.constant({ query: 'ping' as const }),
    fc.constant({ query: 'hello' as const }),
    fc.constant({ query: 'kea-config' as const }),
    fc.constant({ query: 'served' as const }),
    fc.record({ query: fc.constant('zone' as const), name: text() }),
    fc.record({ query: fc.constant('config' as const), object: configObject }),
    fc.record({ query: fc.constant('leases' as const), subnet: fc.constant('192.0.2.0/24') }),
  ),
  broadcast: fc.oneof(
    fc.record(
      {
        topic: fc.constant('fleet-settings' as const),
        statsIntervalMs: fc.integer({ min: 1000, max: 600_000 }),
        presenceIntervalMs: fc.integer({ min: 500, max: 60_000 }),
      },
      { requiredKeys: ['topic'] },
    ),
    fc.record({ topic: fc.constant('ca-bundle' as const), pem: text(200) }),
  ),
  result: fc.record(
    {
      ref: fc.uuid({ version: 4 }),
      state: fc.constantFrom('delivered', 'applied', 'failed', 'superseded', 'rolled-back' as const),
      reason: text(200),
    },
    { requiredKeys: ['ref', 'state'] },
  ),
  reply: fc.oneof(
    fc.record({
      ok: fc.constant(true as const),
      // Through JSON, as it travels (-0 comes back as 0).
      // A key __proto__ is refused (the 'proto-key' damage below), so it is no part of a good body.
      data: fc
        .jsonValue({ maxDepth: 3 })
        .map((v) => JSON.parse(JSON.stringify(v)) as Extract<Body<'reply'>, { ok: true }>['data'])
        .filter((v) => protoKeyPath(v) === undefined),
    }),
    fc.record({ ok: fc.constant(false as const), error: text(200) }),
  ),
  served: fc.record({
    seq: nat,
    sources: fc.array(
      fc.record(
        { service: fc.constantFrom('named', 'kea-dhcp4' as const), readable: fc.boolean(), error: text(100) },
        { requiredKeys: ['service', 'readable'] },
      ),
      { maxLength: 2 },
    ),
    objects: fc.array(
      fc.record(
        {
          object: configObject,
          version: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
          serial: fc.integer({ min: 0, max: 4_294_967_295 }),
          sha256: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
          since: nat,
        },
        { requiredKeys: ['object', 'version', 'sha256', 'since'] },
      ),
      { maxLength: 5 },
    ),
    truncated: fc.boolean(),
  }),
  hello: fc.record(
    {
      agent: fc.record({ version: text(64), mode: fc.constantFrom('real', 'simulated' as const) }),
      host: fc.record({
        hostname: text(),
        ips: fc.array(fc.ipV4(), { maxLength: 4 }),
        serviceTag: text(),
        os: text(),
        kernel: text(),
      }),
      capabilities: fc.subarray(['dns', 'dhcp4', 'dhcp6', 'routing' as const]),
      tags: fc.array(text(64), { maxLength: 4 }),
      statsIntervalMs: fc.integer({ min: 1, max: 600_000 }),
      presenceIntervalMs: fc.integer({ min: 1, max: 60_000 }),
      // Optional (issue 17): older agents and the Python peer leave it out.
      cert: fc.record({
        notAfter: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        subject: text(),
        serial: fc.stringMatching(/^[0-9a-f]{1,40}$/),
        sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
      }),
    },
    {
      requiredKeys: ['agent', 'host', 'capabilities', 'tags', 'statsIntervalMs', 'presenceIntervalMs'],
    },
  ),
  stats: fc.record({
    seq: nat,
    localTime: fc.constant('2026-11-25T10:00:00+01:00'),
    uptimeS: nat,
    load: fc.tuple(fc.double({ min: 0, max: 64, noNaN: true }), fc.constant(0.2), fc.constant(0.1)),
    cpuPct: fc.double({ min: 0, max: 100, noNaN: true }),
    mem: fc.record({ usedBytes: nat, totalBytes: nat }),
    disk: fc.record({ usedBytes: nat, totalBytes: nat }),
    processes: fc.array(fc.record({ name: service, running: fc.boolean() }), { maxLength: 3 }),
  }),
  presence: fc.record({
    state: fc.constantFrom('online', 'offline' as const),
    intervalMs: fc.integer({ min: 1, max: 60_000 }),
    seq: nat,
  }),
  usage: fc.record(
    { windowS: fc.integer({ min: 1, max: 600 }), dns: fc.record({ qps: fc.nat(), queries: nat }) },
    { requiredKeys: ['windowS'] },
  ),
  event: fc.record(
    {
      severity: fc.constantFrom('info', 'warning', 'critical' as const),
      code: text(64),
      message: text(200),
      service,
    },
    { requiredKeys: ['severity', 'code', 'message'] },
  ),
  log: fc.record({
    service,
    lines: fc.array(fc.record({ ts: nat, text: text(100) }), { maxLength: 3 }),
  }),
};

/** What an envelope is before it is serialized: a JSON object, possibly damaged. */
export type RawEnvelope = Record<string, unknown>;

export const envelopeOf = <T extends ChannelType>(type: T, from: string): fc.Arbitrary<RawEnvelope> =>
  fc
    .record({ id: fc.uuid({ version: 4 }), ts: nat, body: bodies[type] as fc.Arbitrary<unknown> })
    .map(({ id, ts, body }) => ({ v: PROTOCOL_VERSION, id, type, from, ts, body }));

/** What a guard expecting `expected` owes a body: the envelope it decodes to, or the reason it refuses. */
export type Verdict = { ok: true; env: RawEnvelope } | { ok: false; reason: RejectReason };

export interface HostileBody {
  /** Which generator made it, for the tests' statistics. */
  kind: string;
  body: string;
  verdict: Verdict;
}

const isJsonObject = (s: string): boolean => {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

const refused = (kind: string, reason: RejectReason) => (body: string) => ({
  kind,
  body,
  verdict: { ok: false, reason } as const,
});

/** Damage to one place of a JSON value; `at` picks the place among those it has. */
export type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown };

/** Every path in a JSON value but the top-level members in `keep`. */
function paths(value: unknown, keep: readonly string[], prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: string[][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (prefix.length === 0 && keep.includes(k)) continue;
    out.push([...prefix, k], ...paths(v, keep, [...prefix, k]));
  }
  return out;
}

/** One change to a copy of a JSON value (exported for its own test). */
export function mutate(value: unknown, m: Mutation, keep: readonly string[]): unknown {
  const copy: unknown = structuredClone(value);
  const all = m.op === 'add' ? [[], ...paths(copy, keep)] : paths(copy, keep);
  if (all.length === 0) return copy;
  const path = all[m.at % all.length] as string[];
  const parent = m.op === 'add' ? path : path.slice(0, -1);
  let node = copy;
  for (const key of parent) node = (node as Record<string, unknown>)[key];
  if (typeof node !== 'object' || node === null) return copy;
  const last = m.op === 'add' ? m.key : (path.at(-1) as string);
  if (parent.length === 0 && keep.includes(last)) return copy;
  if (m.op === 'delete') Reflect.deleteProperty(node, last);
  // JSON gives an array members by index only: a named one ("length" threw) is an appended member.
  else if (m.op === 'add' && Array.isArray(node)) node.push(m.value);
  // defineProperty, so that a key named __proto__ becomes a member as JSON.parse would make it.
  else
    Object.defineProperty(node, last, {
      value: m.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

const hostileKey = fc.oneof(
  text(10),
  fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'extra'),
);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: anyJson }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: anyJson }),
);

const damages = fc.array(mutation, { minLength: 1, maxLength: 3 });
const applyDamage = (value: unknown, ms: readonly Mutation[], keep: readonly string[]): string =>
  JSON.stringify(ms.reduce((v, m) => mutate(v, m, keep), value));

/**
 * One to three random changes to the members of a JSON value (set to other JSON, deleted, or added under
 * hostile names), as JSON text; the top-level members named in `keep` are left alone.
 */
export const damaged = (value: unknown, keep: readonly string[] = []): fc.Arbitrary<string> =>
  damages.map((ms) => applyDamage(value, ms, keep));

/** What a file or a reply meant to hold `good` as JSON may hold instead: `good` damaged, no JSON, other JSON. */
export const hostileJsonText = (good: unknown): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: damaged(good) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  );

/** Random damage to fields of a valid envelope; the envelope's schema says whether it still passes. */
const fieldDamage = (env: RawEnvelope, body: string): HostileBody => {
  // Judged as a receiver sees it: parsed back from the text; a key __proto__ anywhere is refused.
  const json: unknown = JSON.parse(body);
  if (protoKeyPath(json) !== undefined)
    return { kind: 'field-damage', body, verdict: { ok: false, reason: 'schema' } };
  const parsed = envelopeSchemas[env.type as ChannelType].safeParse(json);
  return {
    kind: 'field-damage',
    body,
    verdict: parsed.success ? { ok: true, env: parsed.data } : { ok: false, reason: 'schema' },
  };
};

/**
 * Bodies for a receiver that expects `expected`, sent as `from`, each with its verdict: good ones, and
 * damage of every kind the decoder tells apart. `oversizedAbove` adds bodies just over that many bytes.
 */
export function hostileBody(
  expected: readonly ChannelType[],
  from: string,
  opts: { oversizedAbove?: number } = {},
): fc.Arbitrary<HostileBody> {
  const good = fc.oneof(...expected.map((t) => envelopeOf(t, from)));
  const others = channelTypes.filter((t) => !expected.includes(t));
  const notJsonObject = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ maxLength: 50 }).map((s) => `${s}\u0000${s}`),
      anyJson.map((v) => JSON.stringify(v)),
      fc.tuple(good, fc.nat()).map(([e, n]) => {
        const s = JSON.stringify(e);
        return s.slice(0, n % s.length);
      }),
      fc.tuple(good, fc.nat()).map(([e, n]) => {
        const s = JSON.stringify(e);
        return `${s.slice(0, n % s.length)}\u0000${s.slice(n % s.length)}`;
      }),
      fc.tuple(good, text(5)).map(([e, junk]) => `${JSON.stringify(e)}x${junk}`),
    )
    .filter((s) => !isJsonObject(s));
  const arms: fc.WeightedArbitrary<HostileBody>[] = [
    {
      weight: 6,
      arbitrary: good.map((env) => ({ kind: 'good', body: JSON.stringify(env), verdict: { ok: true, env } })),
    },
    { weight: 3, arbitrary: notJsonObject.map(refused('not-json', 'not-json')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(good, fc.option(anyJson.filter((v) => v !== PROTOCOL_VERSION)))
        .map(([e, v]) => JSON.stringify({ ...e, v: v ?? undefined }))
        .map(refused('version', 'unsupported-version')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(good, fc.option(anyJson.filter((t) => !(channelTypes as unknown[]).includes(t))))
        .map(([e, t]) => JSON.stringify({ ...e, type: t ?? undefined }))
        .map(refused('unknown-type', 'unknown-type')),
    },
    {
      weight: 6,
      // `v` and `type` are left alone: their damage has generators and verdicts of its own.
      arbitrary: fc.tuple(good, damages).map(([e, ms]) => fieldDamage(e, applyDamage(e, ms, ['v', 'type']))),
    },
    {
      weight: 1,
      // A key __proto__ somewhere in an otherwise good envelope, also spelled with an escape.
      arbitrary: fc
        .tuple(good, fc.nat(), anyJson, fc.boolean())
        .map(([e, at, value, escaped]) => {
          const add = (where: number) =>
            mutate(e, { op: 'add', at: where, key: '__proto__', value }, ['v', 'type']);
          // `at` may name a place that holds no object: then the key goes on the envelope itself.
          const withKey = protoKeyPath(add(at)) === undefined ? add(0) : add(at);
          const text = JSON.stringify(withKey);
          return escaped ? text.replace('"__proto__"', '"\\u005f_proto__"') : text;
        })
        .map(refused('proto-key', 'schema')),
    },
  ];
  if (others.length > 0) {
    arms.push({
      weight: 1,
      arbitrary: fc
        .oneof(...others.map((t) => envelopeOf(t, from)))
        .map((e) => JSON.stringify(e))
        .map(refused('unexpected-type', 'unexpected-type')),
    });
  }
  const over = opts.oversizedAbove;
  if (over !== undefined) {
    arms.push({
      weight: 1,
      arbitrary: fc
        .tuple(good, fc.nat({ max: 64 }))
        .map(([e, extra]) => {
          const s = JSON.stringify(e);
          return JSON.stringify({ ...e, pad: 'x'.repeat(Math.max(0, over - s.length) + extra) });
        })
        .map(refused('oversized', 'oversized')),
    });
  }
  return fc.oneof(...arms);
}

/**
 * STOMP headers a broker forwards from a client as they came (ActiveMQ keeps any name it does not set
 * itself, up to 1000 headers of 10240 bytes): names that shadow Object.prototype, escapes, a value of
 * 9000 bytes, hundreds of headers. Kept small until `stompHeaders` spells them out, so a failing case
 * prints readably.
 */
export interface HostileHeaders {
  named: Record<string, string>;
  /** This many more headers, x-0 … */
  many: number;
  /** One more header of 9000 bytes. */
  long: boolean;
}

export const hostileHeaders: fc.Arbitrary<HostileHeaders> = fc.record({
  named: fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'hasOwnProperty',
            '__proto__',
            'constructor',
            'toString',
            'valueOf',
            'x-a:b',
            'x\\c',
          ),
          fc.string({ minLength: 1, maxLength: 20 }).map((s) => `x-${s}`),
        ),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a:b\nc\rd\\e')),
        { maxKeys: 6 },
      ),
    },
  ),
  // Rare: parsing them is the costly part of a case, and the parser's limits have their own tests.
  many: fc.oneof(
    { weight: 49, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 64, max: 990 }) },
  ),
  long: fc.integer({ min: 0, max: 49 }).map((n) => n === 0),
});

export function stompHeaders(h: HostileHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string) =>
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(h.named)) put(k, v);
  for (let i = 0; i < h.many; i++) put(`x-${i}`, String(i));
  if (h.long) put('x-long', 'v'.repeat(9000));
  return out;
}

/** What changed between two records of reject counters, leaving out what did not. */
export const counterDelta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );
