import { describe, expect, it } from 'vitest';
import { STUCK_AFTER_MS } from '../../src-shared/ipc/broker-views';
import { parseStatsReply, StatsFrameError, type QueueStat } from './broker-stats';
import { byRemote } from './service/broker-handlers';

/** Replies recorded from ActiveMQ 5.17's statistics plugin (transformation jms-map-json) in the lab. */
const configReply = String.raw`{"map":{"entry":[{"string":"dequeueCount","long":0},{"string":"averageMessageSize","long":1068},{"string":["brokerId","ID:vm-37855-1795589898280-0:1"]},{"string":"memoryUsage","long":1068},{"string":"consumerCount","long":0},{"string":"minEnqueueTime","double":0},{"string":"memoryPercentUsage","int":0},{"string":"averageEnqueueTime","double":0},{"string":"messagesCached","long":0},{"string":"expiredCount","long":0},{"string":"inflightCount","long":0},{"string":"maxEnqueueTime","double":0},{"string":"dispatchCount","long":0},{"string":"size","long":1},{"string":["destinationName","queue:\/\/smt.remote.r-0001.config"]},{"string":"producerCount","long":0},{"string":"memoryLimit","long":77856768},{"string":["brokerName","primary"]},{"string":"enqueueCount","long":1}]}}`;
const endMarker = String.raw`{"map":""}`;

describe('parseStatsReply', () => {
  it('reads a remote queue’s depth and consumers from a recorded reply', () => {
    expect(parseStatsReply(configReply)).toEqual({
      remoteId: 'r-0001',
      kind: 'config',
      size: 1,
      consumers: 0,
    });
    expect(parseStatsReply(configReply.replace('r-0001.config', 'r-0002.command'))).toEqual({
      remoteId: 'r-0002',
      kind: 'command',
      size: 1,
      consumers: 0,
    });
  });

  it('knows the end marker and leaves out queues the broker path does not show', () => {
    expect(parseStatsReply(endMarker)).toBe('end');
    expect(parseStatsReply(configReply.replace('r-0001.config', 'r-0001.query'))).toBe('other');
    expect(parseStatsReply(configReply.replace('smt.remote.r-0001.config', 'smt.inventory'))).toBe('other');
  });

  it('refuses what is not a statistics map, saying why', () => {
    expect(() => parseStatsReply('not json')).toThrow(StatsFrameError);
    expect(() => parseStatsReply('{"list":[]}')).toThrow(/not a map/);
    expect(() => parseStatsReply(configReply.replace('"size","long":1', '"size","long":-1'))).toThrow(
      /no size count/,
    );
    // A count past 2^53 is no longer the one the broker sent.
    expect(() =>
      parseStatsReply(configReply.replace('"size","long":1', '"size","long":9007199254740993')),
    ).toThrow(/no size count/);
    expect(() => parseStatsReply(configReply.replace('destinationName', 'somethingElse'))).toThrow(
      /names no destination/,
    );
  });
});

describe('byRemote', () => {
  const q = (remoteId: string, kind: 'config' | 'command', size: number, consumers: number): QueueStat => ({
    remoteId,
    kind,
    size,
    consumers,
  });
  const now = 10 * STUCK_AFTER_MS;

  it('flags a backlog older than five minutes that nothing consumes, and lists backlogs first, oldest first', () => {
    const stuck = q('r-0003', 'config', 2, 0);
    const young = q('r-0002', 'config', 1, 0);
    const consumed = q('r-0004', 'config', 5, 1);
    const rows = byRemote(
      [q('r-0001', 'config', 0, 1), q('r-0001', 'command', 0, 1), young, stuck, consumed],
      new Map([
        [stuck, now - STUCK_AFTER_MS - 1],
        [young, now - 1_000],
        [consumed, now - 2 * STUCK_AFTER_MS],
      ]),
      now,
    );
    expect(rows.map((r) => [r.remoteId, r.stuck])).toEqual([
      ['r-0004', false],
      ['r-0003', true],
      ['r-0002', false],
      ['r-0001', false],
    ]);
    expect(rows[3]).toMatchObject({
      config: { size: 0, consumers: 1, oldestAt: null },
      command: { size: 0, consumers: 1, oldestAt: null },
    });
  });
});
