/**
 * `npm run demo -- --remotes N` as a new user runs it, held for a while: does the console keep its broker
 * session and every remote stay connected, and how close does the broker come to its heap? Used by the
 * bench's soak scenario (ten minutes) and by an integration test (a short soak at 1,000 remotes).
 *
 * Read from three places, none of them the demo's own word: the simulator's count of its connected
 * sessions (it prints `connected X/N` whenever the count changes, coalesced to a line a second), the
 * console's connection events and fleet view over the browser host's bridge, and the broker's own
 * health reports on the Broker screen's view.
 */
import { NodeProcess } from '../e2e/support/processes';
import { labStatus } from '../lab/lab';
import { javaHeapMbOf } from '../lab/sizing';
import { BrokerPathView } from '../src-shared/ipc/broker-views';
import { FleetSnapshot } from '../src-shared/ipc/views';
import { BridgeProbe } from './bridge-probe';

const CONSOLE_LINE = /^Console: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)$/;
const FLEET_COUNT = /^\[fleet\] connected (\d+)\/(\d+)/;
/** How often the window is sampled, and how often the broker's health is asked (it reports every 5 s). */
const SAMPLE_MS = 5_000;
const START_TIMEOUT_MS = 15 * 60_000;

export interface SoakFigures {
  remotes: number;
  windowS: number;
  /** The heap each broker was started with (MB). */
  brokerHeapMb: number;
  /** The fewest sessions the simulator had connected at any point of the window. */
  minConnected: number;
  /** Connection events of the console that left `connected` during the window. */
  consoleSessionsLost: number;
  /** What the console logged of each session it lost (its error and `loopHeldMs`), for the cause. */
  sessionLossLogs: string[];
  /** Remotes the console showed online at the end of the window. */
  onlineAtEnd: number;
  /** The fullest the broker's old generation was after collecting (or before its first collection, held). */
  maxOldShare: number | null;
  maxGcShare: number;
  worstHealth: 'ok' | 'warn' | 'bad' | 'none';
}

async function call<T>(bridge: BridgeProbe, name: string, parse: (v: unknown) => T): Promise<T> {
  const r = (await bridge.call(name)) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!r.ok) throw new Error(`${name}: ${r.error?.message ?? 'failed'}`);
  return parse(r.value);
}

export class DemoRun {
  private constructor(
    private readonly demo: NodeProcess,
    private readonly bridge: BridgeProbe,
    private readonly fleetCounts: readonly { at: number; connected: number }[],
    private readonly lossLogs: readonly { at: number; line: string }[],
    readonly labDir: string,
    readonly remotes: number,
  ) {}

  /** Starts the demo on a lab in `labDir` and waits until it says every remote and the console run. */
  static async start(
    remotes: number,
    labDir: string,
    say: (line: string) => void = () => undefined,
  ): Promise<DemoRun> {
    const fleetCounts: { at: number; connected: number }[] = [];
    const lossLogs: { at: number; line: string }[] = [];
    const demo = new NodeProcess(
      'demo',
      'scripts/demo.ts',
      ['--remotes', String(remotes), '--no-open', '--lab-dir', labDir],
      {
        onLine: (line) => {
          const count = FLEET_COUNT.exec(line);
          if (count) fleetCounts.push({ at: Date.now(), connected: Number(count[1]) });
          else say(line);
          if (/^\[core\].*session lost/.test(line)) lossLogs.push({ at: Date.now(), line });
        },
      },
    );
    try {
      // The simulator connects its remotes at the pace the broker admits them: about a hundred a second
      // on a quiet two-core machine, a fifth of that on a busy one. The demo itself fails once its fleet
      // stops making progress, so this bound only catches a demo that hangs.
      await demo.waitForLine(/^\[demo\] running;/, START_TIMEOUT_MS);
      const [, origin = '', token = ''] = await demo.waitForLine(CONSOLE_LINE, 1000);
      return new DemoRun(demo, await BridgeProbe.open(origin, token), fleetCounts, lossLogs, labDir, remotes);
    } catch (e) {
      await demo.stop('SIGTERM', 60_000);
      throw e;
    }
  }

  /** Holds the demo for `windowS` seconds, sampling; `onSample` hears a line every sample. */
  async soak(windowS: number, onSample: (line: string) => void = () => undefined): Promise<SoakFigures> {
    const heaps = await Promise.all(
      (await labStatus({ dir: this.labDir })).map((b) => (b.pid === null ? undefined : javaHeapMbOf(b.pid))),
    );
    const statesBefore = this.bridge.connectionStates.length;
    let maxOldShare: number | null = null;
    let maxGcShare = 0;
    let worst: SoakFigures['worstHealth'] = 'none';
    const rank = { none: 0, ok: 1, warn: 2, bad: 3 } as const;
    const started = Date.now();
    while (Date.now() - started < windowS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      if (!this.demo.running) throw new Error(`the demo exited during the soak:\n${this.demo.output()}`);
      const path = await call(this.bridge, 'getBrokerPath', (v) => BrokerPathView.parse(v));
      const h = path.health;
      if (h && !h.stale) {
        const old = h.report.oldLiveMb ?? h.report.oldUsedMb;
        if (old !== null && h.report.oldMaxMb !== null)
          maxOldShare = Math.max(maxOldShare ?? 0, old / h.report.oldMaxMb);
        maxGcShare = Math.max(maxGcShare, h.report.gcShare);
        if (rank[h.level] > rank[worst]) worst = h.level;
      }
      onSample(
        `${Math.round((Date.now() - started) / 1000)} s: console ${path.connection}, broker ` +
          (h
            ? `${h.level}, old generation ${h.report.oldLiveMb ?? h.report.oldUsedMb}/${h.report.oldMaxMb} MB, ` +
              `GC ${Math.round(h.report.gcShare * 100)} %, ${h.report.connections} connections`
            : 'no health report yet'),
      );
    }
    const fleet = await call(this.bridge, 'getFleet', (v) => FleetSnapshot.parse(v));
    const counts = this.fleetCounts.filter((c) => c.at >= started).map((c) => c.connected);
    return {
      remotes: this.remotes,
      windowS,
      brokerHeapMb: Math.min(...heaps.map((h) => h ?? Infinity)),
      minConnected: Math.min(this.remotes, ...counts),
      consoleSessionsLost: this.bridge.connectionStates.slice(statesBefore).filter((s) => s !== 'connected')
        .length,
      sessionLossLogs: this.lossLogs.filter((l) => l.at >= started).map((l) => l.line),
      onlineAtEnd: fleet.remotes.filter((r) => r.status === 'online').length,
      maxOldShare,
      maxGcShare,
      worstHealth: worst,
    };
  }

  /** Ctrl-C, as a user stops it: the demo stops the fleet, the console and the brokers it started. */
  async stop(): Promise<void> {
    this.bridge.close();
    await this.demo.stop('SIGTERM', 60_000);
  }
}
