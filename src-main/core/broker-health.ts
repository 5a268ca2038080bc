import {
  BROKER_SENDER,
  BrokerHealthReport,
  assessBrokerHealth,
  type BrokerHealth,
} from '../../src-shared/broker/health';
import type { LogSink } from '../../src-node/log';
import { AUTHENTICATED_USER_HEADER, type InboundMessage } from '../../src-node/smt';

/** A report is a few hundred bytes; anything near this is not one. */
const MAX_REPORT_BYTES = 4096;
/** A broker that keeps sending bad reports is logged once a minute, not every five seconds. */
const LOG_EVERY_MS = 60_000;

/**
 * The latest health report of the brokers (`/topic/smt.broker.health`, sent by the brokers' SMT plugin),
 * for the broker path screen. Only a report the broker sent itself counts: the broker stamps its own
 * user on it, a client's message would carry the client's. A refused frame is counted and logged.
 */
export class BrokerHealthWatch {
  private latest: { report: BrokerHealthReport; receivedAt: number } | undefined;
  private refused = 0;
  private lastLogAt = -Infinity;

  constructor(
    private readonly log: LogSink,
    private readonly now: () => number,
  ) {}

  take(m: InboundMessage): void {
    const sender = m.headers[AUTHENTICATED_USER_HEADER];
    if (sender !== BROKER_SENDER) return this.refuse(`sent by ${sender ?? 'nobody'}, not by a broker`);
    if (m.body === undefined || m.bytes > MAX_REPORT_BYTES) return this.refuse(`${m.bytes} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(m.body);
    } catch {
      return this.refuse('not JSON');
    }
    const parsed = BrokerHealthReport.safeParse(json);
    if (!parsed.success) return this.refuse(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    this.latest = { report: parsed.data, receivedAt: this.now() };
  }

  /**
   * The health of the broker the console last heard from, judged now; null before the first report. With
   * shared-store master/slave only the active broker has ports open, so that is the one the session is on
   * (after a failover the promoted broker's first report replaces the old one within an interval).
   */
  current(): BrokerHealth | null {
    const last = this.latest;
    return last ? assessBrokerHealth(last.report, last.receivedAt, this.now()) : null;
  }

  /** Health frames refused since start. */
  get refusedCount(): number {
    return this.refused;
  }

  private refuse(why: string): void {
    this.refused++;
    const at = this.now();
    if (at - this.lastLogAt < LOG_EVERY_MS) return;
    this.lastLogAt = at;
    this.log({
      level: 'warn',
      msg: `broker health report refused (${this.refused} so far): ${why}`,
    });
  }
}
