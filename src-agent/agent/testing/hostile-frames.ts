/**
 * Generated frames for an agent's four queues, with what its inbound guard owes each one: for the fake
 * broker in unit tests and for a console publishing through real brokers.
 */
import fc from 'fast-check';
import { destinations, type ChannelType, type RemoteQueueKind } from '../../../src-shared/protocol';
import {
  consoleIds,
  hostileBody,
  hostileHeaders,
  stompHeaders,
  type HostileBody,
  type HostileHeaders,
} from '../../../src-shared/protocol/testing/hostile';

/**
 * Where a query's reply-to header points: a console session's reply queue, nowhere, or somewhere it must
 * not (`no-session`: a console's reply queue as named before sessions, which several processes shared).
 */
export type Aim = 'own' | 'other-console' | 'none' | 'remote-queue' | 'topic' | 'junk' | 'no-session';

/** The reply session hostile queries name (any well-formed one is answered). */
export const hostileReplySession = 'hostile0fuzz';

export interface AgentFrame {
  queue: RemoteQueueKind;
  /** The console the envelope says it is from. */
  sender: string;
  /** The broker-stamped user; none when the broker did not stamp. */
  user: string | undefined;
  replyTo: Aim;
  body: HostileBody;
  headers: HostileHeaders;
}

const queues: RemoteQueueKind[] = ['config', 'command', 'query', 'broadcast'];
const aims: Aim[] = [
  'own',
  'own',
  'own',
  'other-console',
  'none',
  'remote-queue',
  'topic',
  'junk',
  'no-session',
];

/** Frames for the four queues; `user` says whom the broker stamps, from the sender and a random number. */
export function agentFrame(
  user: (sender: string, pick: number) => string | undefined,
): fc.Arbitrary<AgentFrame> {
  return fc
    .tuple(
      fc.oneof(
        ...queues.flatMap((queue) =>
          consoleIds.map((sender) =>
            hostileBody([queue as ChannelType], sender).map((body) => ({ queue, sender, body })),
          ),
        ),
      ),
      fc.nat(),
      fc.constantFrom(...aims),
      hostileHeaders,
    )
    .map(([f, pick, replyTo, headers]) => ({ ...f, user: user(f.sender, pick), replyTo, headers }));
}

export function replyQueue(f: AgentFrame, rid: string): string | undefined {
  switch (f.replyTo) {
    case 'own':
      return destinations.consoleReply(f.sender, hostileReplySession);
    case 'other-console':
      return destinations.consoleReply(consoleIds.find((c) => c !== f.sender) as string, hostileReplySession);
    case 'no-session':
      return `/queue/smt.console.${f.sender}.reply`;
    case 'none':
      return undefined;
    case 'remote-queue':
      return destinations.remoteQueue('r-0002', 'config');
    case 'topic':
      return destinations.remoteTopic(rid, 'stats');
    case 'junk':
      return `${destinations.consoleReply('lab-console', hostileReplySession)}/../../smt.remote.r-0002.config`;
  }
}

/** The frame's own headers as a client sends them (reply-to on queries); the broker adds the rest. */
export function agentHeaders(f: AgentFrame, rid: string): Record<string, string> {
  const headers = stompHeaders(f.headers);
  const replyTo = f.queue === 'query' ? replyQueue(f, rid) : undefined;
  if (replyTo !== undefined) headers['reply-to'] = replyTo;
  return headers;
}

export const answerable = (f: AgentFrame) => f.replyTo === 'own' || f.replyTo === 'other-console';

/** Why the agent's guard refuses a frame and whom it blames, or null when it takes it. */
export function refusal(f: AgentFrame, rid: string): { reason: string; blamed: string } | null {
  const blamed = f.user ?? rid;
  if (f.queue === 'query' && !answerable(f)) return { reason: 'bad-reply-to', blamed };
  return f.body.verdict.ok ? null : { reason: f.body.verdict.reason, blamed };
}
