/**
 * Generated frames for the console core's subscriptions, with what the core owes each one: for the
 * fake broker in unit tests (which stamps any sender) and for a remote publishing through real brokers
 * (which stamp only the truth).
 */
import fc from 'fast-check';
import { destinations, type ChannelType } from '../../../src-shared/protocol';
import {
  hostileBody,
  hostileHeaders,
  type HostileBody,
  type HostileHeaders,
} from '../../../src-shared/protocol/testing/hostile';

export interface CoreSub {
  /** What the core subscribes to. */
  destination: string;
  /** Where a remote sends what arrives there, when that is not the destination itself (a virtual topic). */
  sentTo?: string;
  expected: ChannelType[];
  /** Client-individual: every frame, taken or refused, must be acknowledged. */
  acked: boolean;
  /** A per-remote topic: the broker names the publisher's own in the destination header. */
  topic?: 'stats' | 'presence' | 'usage';
}

/** The core's subscriptions; `replyQueue` is its session's (ConsoleCore.replyQueue). */
export const coreSubs = (consoleId: string, replyQueue: string): CoreSub[] => [
  {
    destination: destinations.consoleFleet(consoleId, 'inventory'),
    sentTo: destinations.inventory(),
    expected: ['hello', 'served'],
    acked: true,
  },
  ...(['stats', 'presence', 'usage'] as const).map((kind) => ({
    destination: destinations.allRemotesTopic(kind),
    expected: [kind],
    acked: false,
    topic: kind,
  })),
  {
    destination: destinations.consoleFleet(consoleId, 'events'),
    sentTo: destinations.events(),
    expected: ['event'],
    acked: true,
  },
  { destination: destinations.consoleResult(consoleId), expected: ['result'], acked: true },
  { destination: replyQueue, expected: ['reply'], acked: false },
];

export interface CoreFrame {
  sub: CoreSub;
  /** Whom the envelope says it is from. */
  from: string;
  /** The broker-stamped user (JMSXUserID); none when the broker did not stamp. */
  user: string | undefined;
  /** The user stamped as a certificate DN, as ActiveMQ may. */
  userAsDn: boolean;
  /** Whose topic it came on, for a topic subscription. */
  topicOwner: string;
  body: HostileBody;
  headers: HostileHeaders;
}

/** Who sent a frame, as far as the broker says. */
export type Stamp = Pick<CoreFrame, 'user' | 'userAsDn' | 'topicOwner'>;

/**
 * Frames for every subscription, claiming to be from one of `froms`; `stamp` says who the broker says
 * sent each, from the claim and a random number.
 */
export function coreFrame(
  subs: readonly CoreSub[],
  froms: readonly string[],
  stamp: (from: string, pick: number) => Stamp,
): fc.Arbitrary<CoreFrame> {
  return fc
    .tuple(
      fc.oneof(
        ...subs.flatMap((sub) =>
          froms.map((from) => hostileBody(sub.expected, from).map((body) => ({ sub, from, body }))),
        ),
      ),
      fc.nat(),
      hostileHeaders,
    )
    .map(([f, pick, headers]) => ({ ...f, ...stamp(f.from, pick), headers }));
}

/** The destination a frame arrives with: the publisher's own topic, or the queue itself. */
export const arrivesOn = (f: CoreFrame): string =>
  f.sub.topic ? destinations.remoteTopic(f.topicOwner, f.sub.topic) : f.sub.destination;

/** Where a remote sends a frame: the publisher's own topic, the virtual topic, or the queue itself. */
export const sentTo = (f: CoreFrame): string =>
  f.sub.topic ? arrivesOn(f) : (f.sub.sentTo ?? f.sub.destination);

export type Owed = { takes: string } | { reason: string; blamed: string };

/** What the inbound guard owes a frame: the id of the envelope the core takes, or the reason and whom it blames. */
export function owed(f: CoreFrame): Owed {
  const topicOwner = f.sub.topic ? f.topicOwner : undefined;
  const { verdict } = f.body;
  if (!verdict.ok) return { reason: verdict.reason, blamed: f.user ?? topicOwner ?? 'unknown' };
  const from = verdict.env.from as string;
  if (f.user === undefined) return { reason: 'identity-mismatch', blamed: topicOwner ?? from };
  if (from !== f.user || (topicOwner !== undefined && topicOwner !== f.user)) {
    return { reason: 'identity-mismatch', blamed: f.user };
  }
  return { takes: verdict.env.id as string };
}

/** Counts by reason and by blamed sender, as the core's reject counters keep them. */
export function tally(frames: readonly CoreFrame[]): {
  byReason: Record<string, number>;
  byRemote: Record<string, number>;
  total: number;
} {
  const byReason: Record<string, number> = {};
  const byRemote: Record<string, number> = {};
  let total = 0;
  for (const f of frames) {
    const o = owed(f);
    if ('takes' in o) continue;
    total++;
    byReason[o.reason] = (byReason[o.reason] ?? 0) + 1;
    byRemote[o.blamed] = (byRemote[o.blamed] ?? 0) + 1;
  }
  return { byReason, byRemote, total };
}
