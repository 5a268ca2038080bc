import { describe, expect, it } from 'vitest';
import { channels, sharedReaders } from './channels';
import { channelTypes, envelopeSchemas } from './envelope';

const min = 60_000;
const MiB = 1024 * 1024;
const rid = 'r-1';
const cid = 'c-1';
const replyQueue = '/queue/smt.console.c-1.reply.abcdefghijkl';

type Row = readonly [
  type: keyof typeof channels,
  sender: 'console' | 'remote',
  persistent: boolean,
  ttlMs: number | undefined,
  ack: 'auto' | 'client-individual',
  maxFrameBytes: number,
  send: readonly [args: readonly string[], destination: string],
  read: readonly [args: readonly string[], destination: string],
];

// docs/protocol.md "Channels", row by row: what both sides of each channel agree on.
const table: readonly Row[] = [
  [
    'config',
    'console',
    true,
    undefined,
    'client-individual',
    5 * MiB,
    [[rid], '/queue/smt.remote.r-1.config'],
    [[rid], '/queue/smt.remote.r-1.config'],
  ],
  [
    'command',
    'console',
    true,
    10 * min,
    'client-individual',
    MiB,
    [[rid], '/queue/smt.remote.r-1.command'],
    [[rid], '/queue/smt.remote.r-1.command'],
  ],
  [
    'query',
    'console',
    false,
    30_000,
    'client-individual',
    MiB,
    [[rid], '/queue/smt.remote.r-1.query'],
    [[rid], '/queue/smt.remote.r-1.query'],
  ],
  [
    'broadcast',
    'console',
    true,
    undefined,
    'client-individual',
    MiB,
    [[rid], '/queue/smt.remote.r-1.broadcast'],
    [[rid], '/queue/smt.remote.r-1.broadcast'],
  ],
  [
    'result',
    'remote',
    true,
    undefined,
    'client-individual',
    MiB,
    [[cid], '/queue/smt.console.c-1.result'],
    [[cid], '/queue/smt.console.c-1.result'],
  ],
  [
    'reply',
    'remote',
    false,
    min,
    'auto',
    5 * MiB,
    [[replyQueue], replyQueue],
    [[cid, 'abcdefghijkl'], replyQueue],
  ],
  [
    'hello',
    'remote',
    true,
    undefined,
    'client-individual',
    MiB,
    [[], '/topic/VirtualTopic.smt.inventory'],
    [[cid], '/queue/Consumer.c-1.VirtualTopic.smt.inventory'],
  ],
  [
    'served',
    'remote',
    true,
    undefined,
    'client-individual',
    MiB,
    [[], '/topic/VirtualTopic.smt.inventory'],
    [[cid], '/queue/Consumer.c-1.VirtualTopic.smt.inventory'],
  ],
  ['stats', 'remote', false, min, 'auto', MiB, [[rid], '/topic/smt.stats.r-1'], [[], '/topic/smt.stats.>']],
  [
    'presence',
    'remote',
    false,
    min,
    'auto',
    MiB,
    [[rid], '/topic/smt.presence.r-1'],
    [[], '/topic/smt.presence.>'],
  ],
  ['usage', 'remote', false, min, 'auto', MiB, [[rid], '/topic/smt.usage.r-1'], [[], '/topic/smt.usage.>']],
  [
    'event',
    'remote',
    true,
    undefined,
    'client-individual',
    MiB,
    [[], '/topic/VirtualTopic.smt.events'],
    [[cid], '/queue/Consumer.c-1.VirtualTopic.smt.events'],
  ],
  ['log', 'remote', false, min, 'auto', MiB, [[rid], '/topic/smt.log.r-1'], [[], '/topic/smt.log.>']],
];

describe('channel descriptors', () => {
  it.each(table)(
    '%s: from %s, persistent %s, ttl %s, ack %s, frames up to %i bytes',
    (type, sender, persistent, ttlMs, ack, maxFrameBytes, [sendArgs, sent], [readArgs, read]) => {
      const c = channels[type];
      const { ttlMs: ttl } = c as { ttlMs?: number };
      expect([c.sender, c.persistent, ttl, c.ack, c.maxFrameBytes]).toEqual([
        sender,
        persistent,
        ttlMs,
        ack,
        maxFrameBytes,
      ]);
      expect(c.schema).toBe(envelopeSchemas[type]);
      // Both sides' destinations come from the same descriptor.
      expect((c.sendTo as (...a: readonly string[]) => string)(...sendArgs)).toBe(sent);
      expect((c.readAt as (...a: readonly string[]) => string)(...readArgs)).toBe(read);
    },
  );

  it('describes every channel type, and only a query names the reply-to it must carry', () => {
    expect(table.map(([type]) => type).sort()).toEqual([...channelTypes].sort());
    expect(channelTypes.filter((t) => 'replyTo' in channels[t])).toEqual(['query']);
    expect(channels.query.replyTo?.test(replyQueue)).toBe(true);
    expect(channels.query.replyTo?.test('/queue/smt.console.c-1.result')).toBe(false);
  });

  it('channels read together agree on everything one SUBSCRIBE and the guard take from them', () => {
    for (const members of Object.values(sharedReaders)) {
      const [first, ...rest] = members;
      for (const c of rest) {
        expect([c.sender, c.persistent, c.ack, c.maxFrameBytes, c.readAt(cid)]).toEqual([
          first.sender,
          first.persistent,
          first.ack,
          first.maxFrameBytes,
          first.readAt(cid),
        ]);
      }
    }
    // And no other channel reads a shared destination on its own.
    const shared = new Set<string>(Object.values(sharedReaders).flatMap((m) => m.map((c) => c.type)));
    const alone = channelTypes.filter((t) => !shared.has(t));
    for (const members of Object.values(sharedReaders)) {
      const at = members[0].readAt(cid);
      for (const t of alone) {
        expect((channels[t].readAt as (...a: string[]) => string)(cid, 'abcdefghijkl')).not.toBe(at);
      }
    }
  });
});
