/** Envelopes as remotes send them, for the core's unit tests. */
import { makeEnvelope, type Body, type Envelope } from '../../../src-shared/protocol';
import { helloBody } from './hello';

export const helloEnvelope = (from: string, ts = 1): Envelope<'hello'> =>
  makeEnvelope('hello', from, helloBody(from), { ts });

/** Memory 25 % and disk 75 % used. */
export const statsBody = (seq: number, cpuPct = 10): Body<'stats'> => ({
  seq,
  localTime: '2025-01-01T00:00:00+00:00',
  uptimeS: 100 + seq,
  load: [0.1, 0.2, 0.3],
  cpuPct,
  mem: { usedBytes: 1, totalBytes: 4 },
  disk: { usedBytes: 3, totalBytes: 4 },
  processes: [{ name: 'named', running: true, pid: 10, uptimeS: 50 }],
});

export const statsEnvelope = (from: string, seq: number, ts: number, cpuPct?: number): Envelope<'stats'> =>
  makeEnvelope('stats', from, statsBody(seq, cpuPct), { ts });
