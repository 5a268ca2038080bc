import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteId } from '../../src-shared/protocol';
import { hostileJsonText } from '../../src-shared/protocol/testing/hostile';
import { StatsFrameError, parseStatsReply } from './broker-stats';

/** Generated cases: docs/reliability.md quotes them. */
const RUNS = 3_000;

/** A reply of ActiveMQ 5.17's statistics plugin (transformation jms-map-json), as recorded in the lab. */
const reply = {
  map: {
    entry: [
      { string: 'dequeueCount', long: 0 },
      { string: ['brokerId', 'ID:vm-37855-1795589898280-0:1'] },
      { string: 'consumerCount', long: 1 },
      { string: 'size', long: 3 },
      { string: ['destinationName', 'queue://smt.remote.r-0001.config'] },
      { string: ['brokerName', 'primary'] },
    ],
  },
};

describe('broker statistics replies under generated input', () => {
  it(`reads a queue's figures, the end marker or another queue, and refuses the rest with a StatsFrameError (${RUNS} cases)`, () => {
    const body = hostileJsonText(reply);
    fc.assert(
      fc.property(body, (text) => {
        let r: ReturnType<typeof parseStatsReply>;
        try {
          r = parseStatsReply(text);
        } catch (e) {
          expect(e).toBeInstanceOf(StatsFrameError);
          return;
        }
        if (r === 'end' || r === 'other') return;
        expect(RemoteId.safeParse(r.remoteId).success).toBe(true);
        expect(['config', 'command']).toContain(r.kind);
        for (const n of [r.size, r.consumers]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
