/**
 * Generated STOMP frames into the real console core over a fake broker: every subscription, hostile
 * bodies and headers, senders that claim other ids. Each frame gets the verdict it is owed (taken by
 * exactly the listeners it should reach, or refused with its one specific reason against the right
 * sender), every queue frame is acknowledged once, the session never drops, and a good frame sent after
 * each batch is still taken.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src-shared/ipc/views';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_CONFIG_FRAME_BYTES,
  destinations,
  makeEnvelope,
} from '../../src-shared/protocol';
import { counterDelta, remoteIds, stompHeaders } from '../../src-shared/protocol/testing/hostile';
import { waitFor } from '../../src-node/smt/testing/wait';
import { fakeReplySession, startFakeCore, type FakeCore } from './testing/fake-core';
import { arrivesOn, coreFrame, coreSubs, owed, tally, type CoreFrame } from './testing/hostile-frames';
import { statsEnvelope } from './testing/fleet-envelopes';

/** Frames per batch and batches: docs/reliability.md quotes their product. */
const BATCH = 100;
const RUNS = 100;

const replyQueue = destinations.consoleReply('lab-console', fakeReplySession);
const subs = coreSubs('lab-console', replyQueue);
const other = (rid: string) => remoteIds[(remoteIds.indexOf(rid as never) + 1) % remoteIds.length] as string;

/**
 * The fake broker stamps whatever it is told: mostly the sender itself (as a name or a DN), sometimes
 * another remote or nobody, sometimes on another remote's topic.
 */
const frame = coreFrame(subs, remoteIds, (from, pick) => ({
  user: [from, from, from, from, other(from), undefined][pick % 6],
  userAsDn: pick % 6 === 3,
  topicOwner: Math.floor(pick / 6) % 10 === 0 ? other(from) : from,
}));

/** The header set the fake broker delivers a frame with, as ActiveMQ would. */
function deliveryHeaders(f: CoreFrame): Record<string, string> {
  const headers = stompHeaders(f.headers);
  if (f.user !== undefined) {
    headers.JMSXUserID = f.userAsDn ? `CN=${f.user}, OU=remotes, O=SMT Lab` : f.user;
  }
  if (f.sub.topic) headers.destination = arrivesOn(f);
  return headers;
}

let fake: FakeCore;
/** Ids the listeners took: fleet messages at once, results in batches a turn later (so apart). */
const taken = { fleet: [] as string[], results: [] as string[] };
const states: ConnectionStatus[] = [];
let sentinelSeq = 0;
let delivered = 0;

beforeAll(async () => {
  fake = await startFakeCore({
    // Generated traffic comes far faster than any remote's: the rate limit has its own tests.
    core: { liveRate: { perSecond: 1e9, burst: 1e9 } },
    beforeStart: (core) => {
      core.onFleetMessage((env) => void taken.fleet.push(env.id));
      core.onResult((env) => void taken.results.push(env.id));
    },
  });
  fake.core.subscribe('connectionChanged', (s) => void states.push(s));
});

afterAll(async () => {
  await fake?.stop();
});

/** ACKs the fake broker got since frame number `from`. */
const acksSince = (from: number) => fake.srv.frames.slice(from).filter((f) => f.command === 'ACK').length;

describe('console core under generated frames', () => {
  it(`takes each of ${BATCH * RUNS} frames or refuses it for its own reason, and loses nothing else`, async () => {
    const { srv, core } = fake;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: BATCH, maxLength: BATCH }), async (frames) => {
        const before = core.rejects();
        const framesBefore = srv.frames.length;
        const repliesBefore = core.relearn.counters().unmatched;
        taken.fleet.length = 0;
        taken.results.length = 0;
        const expectedTaken = { fleet: [] as string[], results: [] as string[] };
        let replies = 0;
        for (const f of frames) {
          srv.deliver(f.sub.destination, f.body.body, deliveryHeaders(f));
          const o = owed(f);
          if (!('takes' in o)) continue;
          if (f.sub.expected[0] === 'reply') replies++;
          else if (f.sub.expected[0] === 'result') expectedTaken.results.push(o.takes);
          else expectedTaken.fleet.push(o.takes);
        }
        const { byReason, byRemote, total } = tally(frames);
        delivered += frames.length;
        // A good frame after the batch: once it is taken, every frame before it was judged.
        const seq = ++sentinelSeq;
        srv.deliver(
          destinations.allRemotesTopic('stats'),
          JSON.stringify(statsEnvelope('r-0009', seq, seq)),
          {
            destination: destinations.remoteTopic('r-0009', 'stats'),
            JMSXUserID: 'r-0009',
          },
        );
        await waitFor('the good frame after the batch', () => core.fleet.statsSeq('r-0009') === seq, 30_000);
        const acked = frames.filter((f) => f.sub.acked).length;
        await waitFor('every queue frame acknowledged', () => acksSince(framesBefore) >= acked, 30_000);
        expect(acksSince(framesBefore)).toBe(acked);

        const after = core.rejects();
        expect(after.total - before.total).toBe(total);
        expect(counterDelta(after.byReason, before.byReason)).toEqual(byReason);
        expect(counterDelta(after.byRemote, before.byRemote)).toEqual(byRemote);
        expect({ fleet: taken.fleet.slice(0, -1), results: taken.results }).toEqual(expectedTaken);
        // Replies to no query of this core: each taken one reaches the relearner, which counts it.
        expect(core.relearn.counters().unmatched - repliesBefore).toBe(replies);
        expect(states).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(delivered).toBeGreaterThanOrEqual(BATCH * RUNS);
  }, 120_000);

  it('judges a body of exactly the frame limit on its content, and one byte more as oversized', async () => {
    const { srv, core } = fake;
    /** A JSON text of exactly `bytes` bytes: the last string of `shape` filled up with `x`. */
    const sized = (shape: (pad: string) => unknown, bytes: number) => {
      const text = JSON.stringify(shape('x'.repeat(bytes - Buffer.byteLength(JSON.stringify(shape(''))))));
      expect(Buffer.byteLength(text)).toBe(bytes);
      return text;
    };
    const stats = statsEnvelope('r-0008', 1, 1);
    const padded = (pad: string) => ({ ...stats, pad });
    const reply = (data: string) => ({
      ...makeEnvelope('reply', 'r-0008', { ok: true, data: '' }),
      body: { ok: true, data },
    });
    const limit = DEFAULT_MAX_FRAME_BYTES;
    const big = MAX_CONFIG_FRAME_BYTES;
    const topic = { destination: destinations.remoteTopic('r-0008', 'stats'), JMSXUserID: 'r-0008' };
    const stamp = { JMSXUserID: 'r-0008' };
    const cases: [string, string, Record<string, string>, string | null][] = [
      // The fleet channels: 1 MiB. At the limit the decoder reads it (and finds the unknown field).
      [destinations.allRemotesTopic('stats'), sized(padded, limit), topic, 'schema'],
      [destinations.allRemotesTopic('stats'), sized(padded, limit + 1), topic, 'oversized'],
      // Counted in bytes, not characters: fewer characters than the limit, but two bytes each.
      [
        destinations.allRemotesTopic('stats'),
        JSON.stringify(padded('é'.repeat(limit / 2))),
        topic,
        'oversized',
      ],
      // Replies may carry a zone: 5 MiB.
      [replyQueue, sized(reply, big), stamp, null],
      [replyQueue, sized(reply, big + 1), stamp, 'oversized'],
    ];
    for (const [destination, body, headers, reason] of cases) {
      const before = core.rejects();
      const repliesBefore = core.relearn.counters().unmatched;
      srv.deliver(destination, body, headers);
      const seq = ++sentinelSeq;
      srv.deliver(destinations.allRemotesTopic('stats'), JSON.stringify(statsEnvelope('r-0009', seq, seq)), {
        destination: destinations.remoteTopic('r-0009', 'stats'),
        JMSXUserID: 'r-0009',
      });
      await waitFor('the good frame after it', () => core.fleet.statsSeq('r-0009') === seq);
      const after = core.rejects();
      if (reason === null) {
        expect(after.total).toBe(before.total);
        expect(core.relearn.counters().unmatched).toBe(repliesBefore + 1);
      } else {
        expect(counterDelta(after.byReason, before.byReason)).toEqual({ [reason]: 1 });
        expect(counterDelta(after.byRemote, before.byRemote)).toEqual({ 'r-0008': 1 });
      }
    }
    expect(states).toEqual([]);
  }, 60_000);
});
