import { z } from 'zod';

/**
 * What a broker's SMT plugin publishes on `/topic/smt.broker.health` every few seconds
 * (broker/plugin/…/HealthPublisher.java): the JVM's heap and garbage collection, its file descriptors and
 * its connections. Read in-process from the platform MXBeans (JMX stays off).
 */
export const BrokerHealthReport = z.object({
  broker: z.string().min(1).max(100),
  at: z.number().int().nonnegative(),
  heapUsedMb: z.number().int().nonnegative(),
  heapMaxMb: z.number().int().positive(),
  /** The old generation after its last collection: the live set. Null before its first collection. */
  oldLiveMb: z.number().int().nonnegative().nullable(),
  /** The old generation now, garbage included. */
  oldUsedMb: z.number().int().nonnegative().nullable(),
  oldMaxMb: z.number().int().positive().nullable(),
  /** Share of the last interval's wall time spent collecting garbage, 0..1. */
  gcShare: z.number().min(0).max(1),
  openFds: z.number().int().nonnegative().nullable(),
  maxFds: z.number().int().positive().nullable(),
  connections: z.number().int().nonnegative(),
});
export type BrokerHealthReport = z.infer<typeof BrokerHealthReport>;

/** The user the broker stamps on what it sends itself; a client's message carries its own user instead. */
export const BROKER_SENDER = 'ActiveMQBroker';

export const HealthLevel = z.enum(['ok', 'warn', 'bad']);
export type HealthLevel = z.infer<typeof HealthLevel>;

/** One broker's health as the broker path screen shows it. */
export const BrokerHealth = z.object({
  report: BrokerHealthReport,
  /** When the console received it (its own clock: the broker's may differ). */
  receivedAt: z.number().int(),
  /** No report for three intervals: the figures are old (a broker that stopped reporting, or no session). */
  stale: z.boolean(),
  level: HealthLevel,
  /** What is wrong and what to do, worst first; empty when all is well. */
  findings: z.array(z.string()),
});
export type BrokerHealth = z.infer<typeof BrokerHealth>;

/** The plugin reports every 5 s; three missed reports make the figures stale. */
export const HEALTH_STALE_AFTER_MS = 15_000;

/**
 * Thresholds, from what was measured (docs/broker.md, "Sizing"): a broker whose old generation stayed
 * above 85 % full after its collections ran into back-to-back full collections within a minute at 1,000
 * remotes; at 70 % there is room for a burst (a failover's reconnects, a push's backlog) but not for the
 * fleet to grow much more. A broker spending a tenth of its time collecting already delays heart-beats.
 */
const HEAP = { warn: 0.7, bad: 0.85 } as const;
const GC = { warn: 0.1, bad: 0.3 } as const;
const FDS = { warn: 0.7, bad: 0.9 } as const;

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Judges a report: the level and, per problem, what it means and what to do next. */
export function assessBrokerHealth(
  report: BrokerHealthReport,
  receivedAt: number,
  now: number,
): BrokerHealth {
  const findings: { level: HealthLevel; text: string }[] = [];
  const heapAdvice =
    'give the broker more heap (-Xmx; docs/broker.md, "Sizing": about 0.5 MB per remote) or move remotes to another broker pair';
  // The live set when known; before the old generation's first collection, what it holds now (an upper bound).
  const old = report.oldLiveMb ?? report.oldUsedMb;
  if (old !== null && report.oldMaxMb !== null) {
    const share = old / report.oldMaxMb;
    const what = report.oldLiveMb === null ? 'holds' : 'is still';
    if (share >= HEAP.bad) {
      findings.push({
        level: 'bad',
        text: `Heap nearly full: its old generation ${what} ${pct(share)} full after collecting (${old} of ${report.oldMaxMb} MB); the broker is about to spend its time collecting garbage and drop sessions: ${heapAdvice}.`,
      });
    } else if (share >= HEAP.warn) {
      findings.push({
        level: 'warn',
        text: `Heap filling: its old generation ${what} ${pct(share)} full after collecting (${old} of ${report.oldMaxMb} MB): ${heapAdvice} before the fleet grows.`,
      });
    }
  }
  if (report.gcShare >= GC.bad) {
    findings.push({
      level: 'bad',
      text: `Collecting garbage ${pct(report.gcShare)} of the time: heart-beats and deliveries are delayed: ${heapAdvice}.`,
    });
  } else if (report.gcShare >= GC.warn) {
    findings.push({
      level: 'warn',
      text: `Collecting garbage ${pct(report.gcShare)} of the time: watch the heap; ${heapAdvice} if it stays.`,
    });
  }
  if (report.openFds !== null && report.maxFds !== null) {
    const share = report.openFds / report.maxFds;
    const text = `${report.openFds} of ${report.maxFds} file descriptors open (about one a connection): raise the broker's limit (LimitNOFILE, ulimit -n) before it refuses connections.`;
    if (share >= FDS.bad) findings.push({ level: 'bad', text });
    else if (share >= FDS.warn) findings.push({ level: 'warn', text });
  }
  const stale = now - receivedAt > HEALTH_STALE_AFTER_MS;
  const order: Record<HealthLevel, number> = { bad: 0, warn: 1, ok: 2 };
  findings.sort((a, b) => order[a.level] - order[b.level]);
  return {
    report,
    receivedAt,
    stale,
    level: findings[0]?.level ?? 'ok',
    findings: findings.map((f) => f.text),
  };
}
