/**
 * What `npm run chaos` takes and what it writes, as zod schemas: the arguments are parsed with
 * `ChaosArgs`, and the JSON file is `ChaosReport`-checked before it is written.
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative();
const Seed = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const ChaosArgs = z
  .object({
    seed: Seed.optional(),
    json: z.string().min(1).optional(),
    remotes: z.coerce.number().int().min(3).max(1000).default(200),
    /** Agent processes the remotes are spread over: an agent kill ends one of them. */
    agents: z.coerce.number().int().min(1).max(50).default(10),
    /** Seconds of pushing under faults; the settle comes after. */
    duration: z.coerce.number().int().min(30).max(3600).default(300),
    brokerKills: z.coerce.number().int().min(0).max(100).default(6),
    agentKills: z.coerce.number().int().min(0).max(500).default(12),
    consoleKills: z.coerce.number().int().min(0).max(100).default(2),
    offline: z.coerce.number().int().min(0).max(1000).default(12),
    /** Mean milliseconds between two pushes. */
    pushEvery: z.coerce.number().int().min(100).max(60_000).default(1500),
    /** Once every fault is healed: seconds with no delivery finishing after which the run stops waiting. */
    settle: z.coerce.number().int().min(10).max(3600).default(180),
  })
  .refine((a) => a.agents <= a.remotes, { message: 'more agent processes than remotes', path: ['agents'] });
export type ChaosArgs = z.output<typeof ChaosArgs>;

export const Straggler = z.object({
  kind: z.enum(['lost', 'duplicated', 'out-of-order', 'unconfirmed']),
  remote: z.string(),
  object: z.string(),
  version: z.number().int(),
  pushId: z.string().optional(),
  why: z.string(),
  /** The outbox's delivery state (kind, smt-id, attempt, times). */
  delivery: z.record(z.string(), z.unknown()).optional(),
  /** The delivery's transitions as the outbox recorded them: "+<ms after the push> <event> from→to". */
  history: z.array(z.string()),
  /** The remote's ledger lines of this object, in file order. */
  ledger: z.array(z.object({ id: z.string(), state: z.string(), version: z.number() })),
  /** The console's view of the remote and its config queue's figures at the end of the settle, or why not. */
  console: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  /** Its agent process: running or not, its connection summary, its log lines naming the remote. */
  agent: z.array(z.string()),
});
export type Straggler = z.infer<typeof Straggler>;

export const ChaosReport = z
  .object({
    seed: Seed,
    remotes: Count,
    pushes: Count,
    /** (push, target) pairs. */
    deliveries: Count,
    applied: Count,
    superseded: Count,
    lost: Count,
    duplicated: Count,
    out_of_order: Count,
    /** Applied on the remote, but the console's outbox never learnt it (a result that was lost). */
    unconfirmed: Count,
    faults: z.object({
      broker_kills: Count,
      agent_kills: Count,
      console_kills: Count,
      offline_windows: Count,
    }),
    /** Every delivery reached a final state before the settle stalled. */
    settled: z.boolean(),
    duration_s: z.number().nonnegative(),
    settle_s: z.number().nonnegative(),
    /** The first problems, with where they are. */
    stragglers: z.array(Straggler),
  })
  .strict();
export type ChaosReport = z.infer<typeof ChaosReport>;

/** A run breaks a promise when any of these is not 0. */
export const failed = (r: ChaosReport): boolean => r.lost + r.duplicated + r.out_of_order + r.unconfirmed > 0;

const n = (x: number) => x.toLocaleString('en-US');

/** The figures in a few lines, then each straggler with where it is. */
export function describeReport(r: ChaosReport): string[] {
  const f = r.faults;
  const lines = [
    `chaos: seed ${r.seed}: ${n(r.pushes)} pushes to ${r.remotes} remotes, ${n(r.deliveries)} deliveries: ` +
      `${n(r.applied)} applied, ${n(r.superseded)} superseded, ${r.lost} lost, ${r.duplicated} duplicated, ` +
      `${r.out_of_order} out of order, ${r.unconfirmed} unconfirmed`,
    `chaos: faults: ${f.broker_kills} broker kills, ${f.agent_kills} agent kills, ${f.console_kills} console ` +
      `kills, ${f.offline_windows} offline windows; ${r.duration_s} s in all, ` +
      (r.settled ? `settled in ${r.settle_s} s` : `NOT settled after ${r.settle_s} s`),
  ];
  r.stragglers.forEach((s, i) => {
    lines.push(
      `straggler ${i + 1}: ${s.kind} ${s.object} v${s.version} on ${s.remote}` +
        `${s.pushId ? ` (push ${s.pushId})` : ''}: ${s.why}`,
      `  delivery: ${s.delivery ? JSON.stringify(s.delivery) : 'none in the outbox'}`,
      `  history: ${s.history.join('; ') || 'none'}`,
      `  ledger: ${s.ledger.map((l) => `v${l.version} ${l.state} ${l.id}`).join('; ') || 'empty'}`,
      `  console: ${typeof s.console === 'string' ? s.console : JSON.stringify(s.console ?? null)}`,
      ...s.agent.map((a) => `  agent: ${a}`),
    );
  });
  return lines;
}
