/**
 * Hostile input through real brokers over mutual TLS, at the STOMP level: generated frames from a
 * provisioned remote into the real console core and from a console identity into a real agent, raw
 * malformed STOMP that the broker must refuse or drop, frames at both sides of every size limit, and
 * one remote flooding stats. Whatever happens to the sender's connection, the console and the agents
 * keep their sessions, every frame that reaches them gets the verdict it is owed, and good traffic
 * sent afterwards (and by everyone else meanwhile) is still taken.
 *
 * Why this file is over 450 lines: all its cases share one lab (two brokers), one console core and one
 * simulated fleet, started once in beforeAll, and the later cases check that the console's connection
 * never changed through the earlier ones. Integration files run one at a time, so each file split off
 * would start its own in series: the lab alone takes 7.8-13.5 s up and 0.5 s down per start, measured (three
 * runs of startLab() and stop() on a 2-core machine shared with other work).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers, labConsoleTls, remoteIdentity } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import type { VirtualRemote } from '../../src-agent/simulate/virtual-remote';
import { agentFrame, agentHeaders, answerable, refusal } from '../../src-agent/agent/testing/hostile-frames';
import { ConsoleCore, defaultLiveRate } from '../../src-main/core/console-core';
import { coreFrame, coreSubs, owed, sentTo, tally } from '../../src-main/core/testing/hostile-frames';
import type { ConnectionStatus } from '../../src-shared/ipc/views';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_SERVED_OBJECTS,
  destinations,
  makeEnvelope,
  stompHeadersFor,
  type Body,
  type Envelope,
  type ServedObject,
} from '../../src-shared/protocol';
import { sha256 } from '../../src-node/crypto/sha256';
import { counterDelta, stompHeaders } from '../../src-shared/protocol/testing/hostile';
import type { LogEntry } from '../../src-node/log';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { StompProbe, type ProbeTls } from '../helpers/stomp-probe';

/** Generated cases at the STOMP level: docs/reliability.md quotes them. */
const CORE_FRAMES = 200;
const AGENT_FRAMES = 200;
const MANGLED = 40;

/** r-0600 serves DNS, r-0601 DHCP, r-0602 both (the simulator's roles go by the number). */
const GOOD = ['r-0600', 'r-0601', 'r-0602'];
/** A DNS remote of its own for the agent test: its broadcasts change its reporting intervals. */
const TARGET = 'r-0603';
const HOSTILE = 'r-0610';
const FLOOD = 'r-0611';
/** Sends served inventories, bad and good, of its own and in another's name. */
const INVENTORY = 'r-0612';
/** Reports hellos, events and its served inventory meanwhile; INVENTORY claims to be it. */
const NEIGHBOUR = 'r-0613';
const STATS_MS = 500;
/** The broker's wireFormat.maxFrameSize (broker/conf/activemq.xml). */
const BROKER_MAX_FRAME = 6 * 1024 * 1024;

let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;
let port = 0;
const probes: StompProbe[] = [];
const logs: LogEntry[] = [];
const connection: ConnectionStatus[] = [];
/** Every envelope the core took, in order: fleet messages and results. */
const taken: Envelope[] = [];

const stats = (seq: number): Body<'stats'> => ({
  seq,
  localTime: new Date().toISOString(),
  uptimeS: seq,
  load: [0.1, 0.1, 0.1],
  cpuPct: 1,
  mem: { usedBytes: 1, totalBytes: 2 },
  disk: { usedBytes: 1, totalBytes: 2 },
  processes: [],
});

async function remoteTls(rid: string): Promise<ProbeTls> {
  const { tls } = await remoteIdentity(rid, { ...(lab as LabFixture).opts, provision: true });
  return { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
}

/** A raw STOMP session that never closes by itself; closed in afterAll. */
async function session(tls: ProbeTls): Promise<StompProbe> {
  const { probe, reply } = await StompProbe.session({ port, tls });
  probes.push(probe);
  expect(reply.command, reply.headers.message).toBe('CONNECTED');
  return probe;
}

const c = () => core as ConsoleCore;
const remote = (rid: string) => sim?.get(rid) as VirtualRemote;

/** A good stats sample from `rid` on a fresh session: taken, so nothing the broker did to `rid` stuck. */
async function stillTaken(rid: string, tls: ProbeTls): Promise<void> {
  const probe = await session(tls);
  const seq = 1_000_000 + taken.length;
  const sent = await probe.send(
    destinations.remoteTopic(rid, 'stats'),
    JSON.stringify(makeEnvelope('stats', rid, stats(seq))),
  );
  expect(sent.command).toBe('RECEIPT');
  await waitFor(`${rid}'s good sample`, () => c().fleet.statsSeq(rid) === seq, 30_000);
  probe.close();
}

/** One zone a served inventory reports, as an agent that applied version 1 of it would. */
const servedZone = (name: string): ServedObject => ({
  object: { kind: 'zone', name },
  version: 1,
  serial: 1,
  sha256: sha256(`zone ${name}`),
  since: Date.now(),
});

const served = (seq: number, objects: ServedObject[]): Body<'served'> => ({
  seq,
  sources: [{ service: 'named', readable: true }],
  objects,
  truncated: false,
});

/**
 * What the fleet listeners (core.onFleetMessage) were given since `from`, per sender: "<type> <id>" in
 * the order taken. Whatever keeps per-remote state from them (the fleet model, the served inventory
 * store) can have learned nothing else.
 */
function fleetHeard(from: number, rids: readonly string[]): Record<string, string[]> {
  const heard = taken.slice(from).filter((e) => e.type !== 'result');
  return Object.fromEntries(
    rids.map((rid) => [rid, heard.filter((e) => e.from === rid).map((e) => `${e.type} ${e.id}`)]),
  );
}

/** A new zone, version 1, for a push that must apply. */
const zonePush = (name: string): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'zone', name },
  version: 1,
  op: 'upsert',
  payload: {
    format: 'zone-text',
    text: '$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n',
  },
});

/** Resolves once the remote says the config sent applied. */
async function applied(sending: Promise<Envelope<'config'>>): Promise<void> {
  const sent = await sending;
  await waitFor(
    `${sent.id} applied`,
    () => taken.some((e) => e.type === 'result' && e.body.ref === sent.id && e.body.state === 'applied'),
    60_000,
  );
}

/** Every good remote's stats went on arriving: each sent a newer sample than it had. */
async function othersFlowing(): Promise<void> {
  const before = GOOD.map((rid) => c().fleet.statsSeq(rid) ?? 0);
  await waitFor(
    'fresh stats from every good remote',
    () => GOOD.every((rid, i) => (c().fleet.statsSeq(rid) ?? 0) > (before[i] ?? 0)),
    30_000,
  );
}

beforeAll(async () => {
  lab = await startLab();
  port = lab.brokers.find((b) => b.name === 'primary')?.port ?? 0;
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    log: (e) => void logs.push(e),
    sealers: await labConsoleSealers(lab.opts),
  });
  core.onFleetMessage((env) => void taken.push(env));
  core.onResult((env) => void taken.push(env));
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
  core.subscribe('connectionChanged', (s) => void connection.push(s));
  sim = await startSimulation({
    remotes: GOOD.length + 1,
    first: 600,
    statsIntervalMs: STATS_MS,
    presenceIntervalMs: STATS_MS,
    lab: lab.opts,
  });
  await waitFor(
    'stats from the good remotes',
    () => GOOD.every((id) => c().fleet.statsSeq(id) !== null),
    30_000,
  );
});

afterAll(async () => {
  for (const p of probes) p.close();
  await sim?.stop();
  await core?.stop();
  await lab?.stop();
});

describe('hostile input through real brokers', () => {
  it(`gives each of ${CORE_FRAMES} generated frames from a remote the verdict it is owed at the console`, async () => {
    const probe = await session(await remoteTls(HOSTILE));
    // The broker stamps the truth: the frame is from HOSTILE on its own topic, whoever the body names.
    const frames = fc.sample(
      coreFrame(coreSubs(c().consoleId, c().replyQueue), [HOSTILE, 'r-0601'], () => ({
        user: HOSTILE,
        userAsDn: false,
        topicOwner: HOSTILE,
      })),
      { numRuns: CORE_FRAMES, seed: 8 },
    );
    const before = c().rejects();
    const unmatchedBefore = c().relearn.counters().unmatched;
    const from = taken.length;
    // The good remotes go on reporting meanwhile; what HOSTILE got taken is what the bodies name it as.
    const mine = () => taken.slice(from).filter((e) => e.from === HOSTILE);
    for (const f of frames) {
      const sent = await probe.send(sentTo(f), f.body.body, stompHeaders(f.headers));
      expect(sent.command, sent.headers.message).toBe('RECEIPT');
    }
    const expected = tally(frames);
    const takes = frames.flatMap((f) => {
      const o = owed(f);
      return 'takes' in o && f.sub.expected[0] !== 'reply' ? [o.takes] : [];
    });
    const replies = frames.filter((f) => f.sub.expected[0] === 'reply' && 'takes' in owed(f)).length;
    await waitFor(
      'every frame judged',
      () =>
        c().rejects().total - before.total === expected.total &&
        mine().length === takes.length &&
        c().relearn.counters().unmatched - unmatchedBefore === replies,
      60_000,
    );
    const after = c().rejects();
    expect(counterDelta(after.byReason, before.byReason)).toEqual(expected.byReason);
    expect(counterDelta(after.byRemote, before.byRemote)).toEqual({ [HOSTILE]: expected.total });
    // Topics and queues are dispatched apart, so compare what was taken, not its order.
    expect(
      mine()
        .map((e) => e.id)
        .sort(),
    ).toEqual(takes.sort());
    // Nothing was taken as r-0601's, whatever the bodies claimed.
    const claimed = new Set(frames.flatMap((f) => (f.body.verdict.ok ? [f.body.verdict.env.id] : [])));
    expect(taken.slice(from).filter((e) => e.from !== HOSTILE && claimed.has(e.id))).toEqual([]);
    expect(probe.closed).toBe(false);
    await othersFlowing();
    expect(connection).toEqual([]);
  });

  it('reads any header the broker forwards: one named hasOwnProperty, 990 of them, 10 KiB long', async () => {
    const probe = await session(await remoteTls(HOSTILE));
    const many = Object.fromEntries(Array.from({ length: 990 }, (_, i) => [`x-${i}`, String(i)]));
    const cases: Record<string, string>[] = [
      { hasOwnProperty: 'x', 'x-after': 'y' },
      many,
      { 'x-long': 'v'.repeat(10_000) },
    ];
    const from = taken.length;
    for (const headers of cases) {
      // Persistent on the inventory queue: a frame the console could not parse would come back on every
      // reconnect, for ever.
      const hello = makeEnvelope('hello', HOSTILE, {
        agent: { version: '1', mode: 'simulated' },
        host: { hostname: `h-${taken.length}`, ips: [], serviceTag: '', os: '', kernel: '' },
        capabilities: [],
        tags: [],
        statsIntervalMs: 1000,
        presenceIntervalMs: 1000,
      });
      const sent = await probe.send(destinations.inventory(), JSON.stringify(hello), {
        ...headers,
        persistent: 'true',
      });
      expect(sent.command, sent.headers.message).toBe('RECEIPT');
      await waitFor('the hello taken', () => taken.slice(from).some((e) => e.id === hello.id), 30_000);
    }
    expect(connection).toEqual([]);
  });

  it('refuses served inventories that break the schema, the frame limit or the sender’s identity, and takes a good one', async () => {
    const bad = await session(await remoteTls(INVENTORY));
    const neighbour = await session(await remoteTls(NEIGHBOUR));
    const publish = async (probe: StompProbe, env: Envelope, body = JSON.stringify(env)) => {
      const to = env.type === 'event' ? destinations.events() : destinations.inventory();
      const sent = await probe.send(to, body, stompHeadersFor(env));
      expect(sent.command, sent.headers.message).toBe('RECEIPT');
    };
    const badHash = makeEnvelope('served', INVENTORY, served(1, [servedZone('a.test')]));
    const badHashBody = JSON.stringify(badHash).replace(/"sha256":"[0-9a-f]{64}"/, '"sha256":"not-a-hash"');
    // makeEnvelope checks what it builds: the one object too many goes into the JSON.
    const full = makeEnvelope(
      'served',
      INVENTORY,
      served(
        2,
        Array.from({ length: MAX_SERVED_OBJECTS }, (_, i) => servedZone(`z${i}.test`)),
      ),
    );
    const tooManyBody = JSON.stringify({
      ...full,
      body: { ...full.body, objects: [...full.body.objects, servedZone('one-more.test')] },
    });
    // Within the object count, but names near DNS's limit make it more than the console reads.
    const long = (i: number) =>
      `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(50)}.z${i}.test`;
    const huge = makeEnvelope(
      'served',
      INVENTORY,
      served(
        3,
        Array.from({ length: MAX_SERVED_OBJECTS }, (_, i) => servedZone(long(i))),
      ),
    );
    const forged = makeEnvelope('served', NEIGHBOUR, served(4, [servedZone('forged.test')]));
    const good = makeEnvelope('served', INVENTORY, served(5, [servedZone('good.test')]));
    expect(Buffer.byteLength(tooManyBody)).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
    expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(DEFAULT_MAX_FRAME_BYTES);

    const ownHello = makeEnvelope('hello', NEIGHBOUR, {
      agent: { version: '1', mode: 'simulated' },
      host: { hostname: 'neighbour', ips: [], serviceTag: '', os: '', kernel: '' },
      capabilities: ['dns'],
      tags: [],
      statsIntervalMs: 1000,
      presenceIntervalMs: 1000,
    });
    const ownEvent = makeEnvelope('event', NEIGHBOUR, {
      severity: 'warning',
      code: 'zone-drift',
      message: 'between the bad inventories',
    });
    const ownServed = makeEnvelope('served', NEIGHBOUR, served(1, [servedZone('neighbour.test')]));

    const before = c().rejects();
    const from = taken.length;
    const logsFrom = logs.length;
    // Interleaved on the one inventory queue: each bad frame between good ones of another remote.
    await publish(bad, badHash, badHashBody);
    await publish(neighbour, ownHello);
    await publish(bad, full, tooManyBody);
    await publish(neighbour, ownEvent);
    await publish(bad, huge);
    await publish(bad, forged);
    await publish(bad, good);
    await publish(neighbour, ownServed);
    await waitFor(
      'the bad judged and the good taken',
      () =>
        c().rejects().total - before.total === 4 &&
        fleetHeard(from, [INVENTORY])[INVENTORY]?.length === 1 &&
        fleetHeard(from, [NEIGHBOUR])[NEIGHBOUR]?.length === 3,
      30_000,
    );

    const after = c().rejects();
    expect(counterDelta(after.byReason, before.byReason)).toEqual({
      schema: 2,
      oversized: 1,
      'identity-mismatch': 1,
    });
    // Counted against the certificate that sent them, the forgery too: never against NEIGHBOUR.
    expect(counterDelta(after.byRemote, before.byRemote)).toEqual({ [INVENTORY]: 4 });
    // Logged once per reason (the second schema refusal only counted), each with what was wrong.
    const logged = logs.slice(logsFrom).filter((l) => l.remote === INVENTORY);
    expect(logged.map((l) => [l.reason, l.destination])).toEqual(
      ['schema', 'oversized', 'identity-mismatch'].map((r) => [
        r,
        destinations.consoleFleet(c().consoleId, 'inventory'),
      ]),
    );
    expect(logged.map((l) => l.detail)).toEqual([
      expect.stringMatching(/SHA-256/),
      expect.stringMatching(/over 1048576/),
      `claims to be "${NEIGHBOUR}"`,
    ]);
    // The fleet listeners heard the good inventory only, and NEIGHBOUR's own messages, never the forgery.
    const heard = fleetHeard(from, [INVENTORY, NEIGHBOUR]);
    expect(heard[INVENTORY]).toEqual([`served ${good.id}`]);
    expect(heard[NEIGHBOUR]?.sort()).toEqual(
      [`hello ${ownHello.id}`, `event ${ownEvent.id}`, `served ${ownServed.id}`].sort(),
    );
    const servedTaken = taken.slice(from).filter((e) => e.type === 'served');
    expect(servedTaken.map((e) => [e.from, e.body.objects.map((o) => o.object)])).toEqual([
      [INVENTORY, [{ kind: 'zone', name: 'good.test' }]],
      [NEIGHBOUR, [{ kind: 'zone', name: 'neighbour.test' }]],
    ]);
    expect(
      c()
        .fleet.selectable()
        .find((r) => r.id === NEIGHBOUR)?.capabilities,
    ).toEqual(['dns']);
    expect([bad.closed, neighbour.closed]).toEqual([false, false]);
    await othersFlowing();
    expect(connection).toEqual([]);
  });

  it(`survives ${MANGLED} mangled STOMP frames and each malformed one the broker must refuse`, async () => {
    const tls = await remoteTls(HOSTILE);
    const topic = destinations.remoteTopic(HOSTILE, 'stats');
    const good = JSON.stringify(makeEnvelope('stats', HOSTILE, stats(1)));
    const frame = (head: string | Buffer, body: string | Buffer) =>
      Buffer.concat([Buffer.from(head), Buffer.from(body), Buffer.from([0])]);
    const send = (headers: string) => `SEND\ndestination:${topic}\n${headers}\n`;
    const malformed: [string, Buffer][] = [
      ['a NUL inside a body without content-length', frame(send(''), good.replace(',', ',\u0000'))],
      ['a content-length shorter than the body', frame(send('content-length:10\n'), good)],
      ['a content-length longer than the body', frame(send(`content-length:${good.length + 50}\n`), good)],
      ['a content-length that is no number', frame(send('content-length:ten\n'), good)],
      ['a negative content-length', frame(send('content-length:-5\n'), good)],
      ['a header line over 10240 bytes', frame(send(`x-big:${'a'.repeat(10_300)}\n`), good)],
      [
        'more than 1000 headers',
        frame(send(Array.from({ length: 1001 }, (_, i) => `x-${i}:v\n`).join('')), good),
      ],
      ['an unknown command', frame(`SMUGGLE\ndestination:${destinations.inventory()}\n\n`, good)],
      ['a SEND without a destination', frame('SEND\ncontent-type:application/json\n\n', good)],
      ['an undefined escape in a header', frame(send('x-esc:a\\tb\n'), good)],
      [
        'bytes that are not UTF-8, in a header and in the body',
        frame(
          Buffer.concat([
            Buffer.from(`SEND\ndestination:${topic}\nx-bin:`),
            Buffer.from([0xc3, 0x28, 0xff, 10, 10]),
          ]),
          Buffer.from([0xc3, 0x28, 0xff]),
        ),
      ],
    ];
    // Random damage to a good frame: bytes cut, repeated, replaced, NULs and line ends let in.
    const goodFrame = frame(send(`content-length:${Buffer.byteLength(good)}\n`), good);
    const damage = fc.array(
      fc.record({
        at: fc.nat({ max: goodFrame.length - 1 }),
        cut: fc.nat({ max: 40 }),
        put: fc
          .uint8Array({ maxLength: 8 })
          .map((b) => (b.length > 0 && b[0] === 1 ? Buffer.from([0, 10]) : b)),
      }),
      { minLength: 1, maxLength: 4 },
    );
    const mangled = fc.sample(damage, { numRuns: MANGLED, seed: 8 }).map((edits): [string, Buffer] => {
      let bytes = goodFrame;
      for (const e of edits) {
        const at = Math.min(e.at, bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(e.put), bytes.subarray(at + e.cut)]);
      }
      return ['a mangled frame', bytes];
    });
    const before = c().rejects();
    const outcomes: Record<string, number> = {};
    let probe = await session(tls);
    for (const [what, bytes] of [...malformed, ...mangled]) {
      if (probe.closed) probe = await session(tls);
      probe.socket.write(bytes);
      // A receipted frame after it: answered, or the broker refused the bytes (ERROR) or hung up.
      const check = await probe
        .send(destinations.remoteTopic(HOSTILE, 'usage'), '"not an envelope"')
        .then((f) => f.command)
        .catch(() => 'closed');
      const outcome = check === 'RECEIPT' ? 'kept' : probe.closed ? 'dropped' : 'refused';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (outcome !== 'kept') probe.close();
      expect(what.length).toBeGreaterThan(0);
    }
    // What reached the console was judged like anything else: refused, never taken as someone else's.
    const after = c().rejects();
    expect(Object.keys(counterDelta(after.byRemote, before.byRemote))).toEqual([HOSTILE]);
    for (const reason of Object.keys(counterDelta(after.byReason, before.byReason))) {
      expect(reason).not.toBe('rate-limited');
    }
    expect(outcomes.dropped ?? 0).toBeGreaterThan(0);
    await stillTaken(HOSTILE, tls);
    await othersFlowing();
    expect(connection).toEqual([]);
  });

  it('judges a frame at each limit on its content, and one byte more as too large, on both sides of the broker', async () => {
    const topic = destinations.remoteTopic(HOSTILE, 'stats');
    const env = makeEnvelope('stats', HOSTILE, stats(7));
    const bare = Buffer.byteLength(JSON.stringify({ ...env, pad: '' }));
    /** A stats envelope with a field it must not have, `bytes` long. */
    const body = (bytes: number) => JSON.stringify({ ...env, pad: 'x'.repeat(bytes - bare) });
    const head = (b: string, receipt: string) =>
      `destination:${topic}\nreceipt:${receipt}\ncontent-length:${Buffer.byteLength(b)}\n\n`;
    /**
     * A raw SEND whose part the broker counts against wireFormat.maxFrameSize (every byte after the
     * command line but the closing NUL: headers, blank line, body) is `bytes` long.
     */
    const frame = (bytes: number, receipt: string) => {
      // Content-lengths near 6 MiB all have 7 digits, so the head's size does not move with the body's.
      const b = body(bytes - Buffer.byteLength(head(body(bytes), receipt)));
      const counted = Buffer.from(head(b, receipt) + b);
      expect(counted.length).toBe(bytes);
      return Buffer.concat([Buffer.from('SEND\n'), counted, Buffer.from([0])]);
    };
    const probe = await session(await remoteTls(HOSTILE));
    const before = c().rejects();
    // The console reads 1 MiB of body and no more.
    expect((await probe.send(topic, body(DEFAULT_MAX_FRAME_BYTES))).command).toBe('RECEIPT');
    expect((await probe.send(topic, body(DEFAULT_MAX_FRAME_BYTES + 1))).command).toBe('RECEIPT');
    // The broker passes a frame of exactly its limit.
    probe.socket.write(frame(BROKER_MAX_FRAME, 'at-limit'));
    expect(
      (await probe.waitFor((f) => f.headers['receipt-id'] === 'at-limit' || f.command === 'ERROR')).command,
    ).toBe('RECEIPT');
    await waitFor('the three judged', () => c().rejects().total - before.total === 3, 30_000);
    expect(counterDelta(c().rejects().byReason, before.byReason)).toEqual({ schema: 1, oversized: 2 });
    // One byte more and the broker ends the sender's session (with an ERROR, or none when it closes
    // first); the frame never reaches the console.
    const over = await session(await remoteTls(HOSTILE));
    over.socket.write(frame(BROKER_MAX_FRAME + 1, 'over-limit'));
    const refused = await waitFor(
      'the oversized frame refused',
      () => over.frames.find((f) => f.command !== 'CONNECTED') ?? (over.closed && 'closed'),
      30_000,
    );
    if (refused !== 'closed') {
      expect(refused).toMatchObject({
        command: 'ERROR',
        headers: { message: 'The maximum frame size was exceeded' },
      });
    }
    await stillTaken(HOSTILE, await remoteTls(HOSTILE));
    expect(c().rejects().total - before.total).toBe(3);
    expect(connection).toEqual([]);
  });

  it(`keeps an agent on its feet through ${AGENT_FRAMES} generated frames from a console identity`, async () => {
    const rid = TARGET;
    const agent = remote(rid).agent;
    const states: string[] = [];
    const offState = agent.conn.onState((s) => void states.push(s.kind));
    const { ca, cert, key } = await labConsoleTls((lab as LabFixture).opts);
    const probe = await session({ ca, cert, key });
    // The broker stamps the console's own name, whichever console the body says it is.
    const frames = fc.sample(
      agentFrame(() => c().consoleId),
      { numRuns: AGENT_FRAMES, seed: 8 },
    );
    const before = agent.guard.counters();
    for (const f of frames) {
      const sent = await probe.send(
        destinations.remoteQueue(rid, f.queue),
        f.body.body,
        agentHeaders(f, rid),
      );
      expect(sent.command, sent.headers.message).toBe('RECEIPT');
    }
    const refused = frames.flatMap((f) => refusal(f, rid) ?? []);
    await waitFor(
      'every frame judged',
      () => agent.guard.counters().total - before.total === refused.length,
      60_000,
    );
    const byReason: Record<string, number> = {};
    for (const r of refused) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    expect(counterDelta(agent.guard.counters().byReason, before.byReason)).toEqual(byReason);
    expect(counterDelta(agent.guard.counters().byRemote, before.byRemote)).toEqual({
      [c().consoleId]: refused.length,
    });
    expect(frames.some((f) => f.queue === 'query' && answerable(f))).toBe(true);
    // A config the console signs is still applied.
    await applied(c().sendConfig(rid, zonePush('after.test')));
    offState();
    expect(states).toEqual([]);
    expect(connection).toEqual([]);
  });

  it("refuses a remote writing to another remote's queues at the broker: the agent never sees it", async () => {
    const agent = remote(TARGET).agent;
    const before = agent.guard.counters();
    const probe = await session(await remoteTls(HOSTILE));
    // A well-formed command in the console's name: only the broker can tell it is not from a console.
    const forged = JSON.stringify(
      makeEnvelope('command', c().consoleId, { action: 'restart', service: 'named' }),
    );
    for (const kind of ['config', 'command', 'query', 'broadcast'] as const) {
      const refused = await probe.send(destinations.remoteQueue(TARGET, kind), forged, {
        persistent: 'true',
        'reply-to': c().replyQueue,
      });
      expect(refused.command).toBe('ERROR');
      expect(refused.headers.message).toMatch(/not authorized to write/);
    }
    // Nothing reached the agent: its guard saw no new frame, and it still applies what the console signs.
    expect(agent.guard.counters()).toEqual(before);
    await applied(c().sendConfig(TARGET, zonePush('identity.test')));
    expect(agent.guard.counters()).toEqual(before);
  });

  it('holds a remote flooding stats to its rate while the others keep reporting and their pushes apply', async () => {
    const probe = await session(await remoteTls(FLOOD));
    const topic = destinations.remoteTopic(FLOOD, 'stats');
    const goodBefore = new Map(GOOD.map((rid) => [rid, c().fleet.statsSeq(rid) ?? 0]));
    const from = taken.length;
    const before = c().rejects();
    const statsOf = (rid: string) =>
      taken.slice(from).flatMap((e) => (e.type === 'stats' && e.from === rid ? [e.body.seq] : []));
    const sample = (seq: number) => JSON.stringify(makeEnvelope('stats', FLOOD, stats(seq)));
    let push: Promise<Envelope<'config'>> | undefined;
    let sent = 0;
    // Flood until every good remote has reported three times meanwhile: as fast as TLS carries the
    // frames, one in 500 receipted so the flood goes at the broker's pace, not the socket buffer's.
    while (GOOD.some((rid) => statsOf(rid).length < 3) && sent < 500_000) {
      for (let i = 0; i < 499; i++) probe.write('SEND', { destination: topic }, sample(++sent));
      expect((await probe.send(topic, sample(++sent))).command).toBe('RECEIPT');
      push ??= c().sendConfig('r-0600', zonePush('flood.test'));
    }
    const floodTaken = () => taken.slice(from).filter((e) => e.from === FLOOD).length;
    const dropped = () => (c().rejects().byRemote[FLOOD] ?? 0) - (before.byRemote[FLOOD] ?? 0);
    await waitFor('every flood frame judged', () => floodTaken() + dropped() === sent, 60_000);
    await applied(push as Promise<Envelope<'config'>>);
    const after = c().rejects();
    expect(counterDelta(after.byReason, before.byReason)).toEqual({ 'rate-limited': dropped() });
    expect(counterDelta(after.byRemote, before.byRemote)).toEqual({ [FLOOD]: dropped() });
    // The burst passed, and what the rate refilled; the rest was dropped before it was decoded.
    expect(floodTaken()).toBeGreaterThanOrEqual(defaultLiveRate.burst);
    expect(dropped()).toBeGreaterThan(0);
    expect(logs.filter((l) => l.reason === 'rate-limited').map((l) => l.remote)).toEqual([FLOOD]);
    // Every sample a good remote sent meanwhile was taken, in order: none was lost to the flood.
    for (const rid of GOOD) {
      const seqs = statsOf(rid);
      expect(seqs, rid).toEqual(seqs.map((_, i) => (goodBefore.get(rid) ?? 0) + 1 + i));
    }
    expect(connection).toEqual([]);
  });
});
