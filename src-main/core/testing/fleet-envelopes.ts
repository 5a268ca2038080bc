/** Envelopes as remotes send them, for the core's unit tests. */
import { makeEnvelope, type Body, type Envelope } from '../../../src-shared/protocol';

export const helloEnvelope = (from: string, ts = 1): Envelope<'hello'> =>
  makeEnvelope(
    'hello',
    from,
    {
      agent: { version: '0.1.0', mode: 'simulated' },
      host: {
        hostname: `dns-${from}.lab.example`,
        ips: ['10.0.0.1'],
        serviceTag: 'SIM-1',
        os: 'Debian GNU/Linux 12',
        kernel: '6.1.0-21-amd64',
      },
      capabilities: ['dns'],
      tags: ['site:lab'],
      statsIntervalMs: 5000,
      presenceIntervalMs: 1000,
    },
    { ts },
  );

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
