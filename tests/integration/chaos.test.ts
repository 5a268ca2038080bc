/**
 * A short chaos run (chaos/run.ts) inside `npm test`: 30 remotes in 3 agent processes, a minute of
 * pushes while the active broker, agent processes and the console process are SIGKILLed and restarted
 * and remotes go offline, then every push must be applied once on every target, in order, as the
 * remotes' ledgers show. Once with a fixed seed, once with a random one (printed, so a failure replays
 * with `npm run chaos -- --seed N --remotes 30 --agents 3 --duration 60 …`).
 */
import { describe, expect, it } from 'vitest';
import { randomSeed } from '../../chaos/random';
import { ChaosReport, describeReport, failed } from '../../chaos/report';
import { runChaos } from '../../chaos/run';

const short = {
  remotes: 30,
  agents: 3,
  duration: 60,
  brokerKills: 2,
  agentKills: 3,
  consoleKills: 1,
  offline: 3,
  pushEvery: 1000,
  settle: 180,
};

const RUN_TIMEOUT_MS = 840_000;

async function chaos(seed: number): Promise<ChaosReport> {
  const lines: string[] = [];
  const report = ChaosReport.parse(
    await runChaos({
      ...short,
      seed,
      // Before the test's own timeout: the run stops what it started (agent processes are detached).
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
      log: (line) => {
        lines.push(line);
        console.log(line);
      },
    }),
  );
  const said = describeReport(report);
  console.log(said.join('\n'));
  // The whole account of the run is the failure message: the seed, the faults as they happened, and
  // every straggler with its delivery history, ledger lines, queue figures and agent output.
  expect(failed(report), [...lines, ...said].join('\n')).toBe(false);
  return report;
}

describe('chaos (short)', () => {
  it.each([
    ['a fixed seed', 20250601],
    ['a random seed', randomSeed()],
  ])(
    'with %s (%i): every push applied once, in order, on every target',
    async (_, seed) => {
      const r = await chaos(seed);
      expect(r.faults).toEqual({
        broker_kills: short.brokerKills,
        agent_kills: short.agentKills,
        console_kills: short.consoleKills,
        offline_windows: expect.any(Number),
      });
      expect(r.faults.offline_windows).toBeGreaterThan(0);
      expect(r.pushes).toBeGreaterThan(10);
      expect(r.deliveries).toBeGreaterThan(r.pushes * 10);
      expect(r.settled).toBe(true);
      expect(r.applied + r.superseded).toBe(r.deliveries);
    },
    900_000,
  );
});
