/**
 * The console core as its own process for the chaos run (console-link.ts speaks to it): it opens the
 * outbox, connects, waits to know every remote of the run, says `ready`, then pushes and reports what
 * each stdin command asks. The end of stdin (the harness went away) or SIGTERM stops it.
 *
 *   tsx chaos/console-process.ts <lab dir> <db file> <remotes>
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { queueStats } from '../src-main/core/broker-stats';
import { lineLog } from '../src-node/log';
import { waitFor } from '../src-node/smt/testing/wait';
import { startPushConsole } from '../tests/helpers/push-console';
import { ConsoleCommand, type ConsoleEvent } from './console-link';
import { configQueueConsumers, type QueueConsumer } from './consumer-advisories';
import { errorText } from '../src-shared/util/error-text';

const [dir = '', dbFile = '', remotes = ''] = process.argv.slice(2);
const emit = (e: ConsoleEvent) => process.stdout.write(`${JSON.stringify(e)}\n`);
const log = lineLog((line) => process.stderr.write(`console: ${line}\n`), 'warn');

// A console started while a broker fails over on a loaded machine may wait long for its session.
const pc = await startPushConsole({ dir }, dbFile, { log, connectTimeoutMs: 120_000 });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pc.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());

const known = () => pc.core.fleet.selectable().filter((r) => r.capabilities.length > 0);
try {
  await waitFor(`the hello of ${remotes} remotes`, () => known().length >= Number(remotes), 300_000, 100);
} catch (e) {
  // Which remotes it never heard a hello from, and what it knows of them, say why.
  const heard = new Set(known().map((r) => r.id));
  const missing = pc.core.fleet
    .selectable()
    .filter((r) => !heard.has(r.id))
    .map((r) => `${r.id} (${r.status})`);
  process.stderr.write(
    `console: ${String(e)}; ${heard.size} known, no hello from ${missing.length} heard otherwise: ` +
      `${missing.slice(0, 20).join(', ')}\n`,
  );
  process.exit(1);
}
emit({ event: 'ready', remotes: known().length });

function push(request: z.output<typeof ConsoleCommand> & { op: 'push' }): void {
  try {
    const { push, unknown } = pc.engine.push(request.request);
    emit({ event: 'pushed', id: push.id, version: push.version, targets: push.targets.length, unknown });
  } catch (e) {
    emit({ event: 'refused', reason: errorText(e) });
  }
}

/** The console's view of each remote, and its config queue as the broker counts it. */
async function inspect(remoteIds: string[]): Promise<void> {
  const queues = new Map<string, { size: number; consumers: number }>();
  let queuesProblem: string | null = null;
  const conn = pc.core.connection;
  const state = pc.core.connectionStatus().state.kind;
  if (!conn || state !== 'connected') {
    queuesProblem = `no broker session (${state})`;
  } else {
    try {
      const stats = await queueStats(conn, pc.core.statsReplyQueue, 10_000);
      if (!stats.complete) queuesProblem = 'the broker did not list every queue in time';
      for (const q of stats.queues) if (q.kind === 'config') queues.set(q.remoteId, q);
    } catch (e) {
      queuesProblem = `no queue figures: ${errorText(e)}`;
    }
  }
  // More consumers than the remote itself: which connections they are on.
  const crowded = [...queues].filter(([, q]) => q.consumers > 1).map(([rid]) => rid);
  const consumers =
    conn && crowded.length > 0
      ? await configQueueConsumers(conn, crowded.slice(0, 50))
      : new Map<string, QueueConsumer[]>();
  const now = Date.now();
  emit({
    event: 'inspected',
    queuesProblem,
    remotes: remoteIds.map((id) => {
      const view = pc.core.fleet.get(id);
      const q = queues.get(id);
      return {
        id,
        status: view?.status ?? 'not known',
        lastSeenAgoMs: view?.lastSeen ? now - view.lastSeen : null,
        // A queue the broker does not list has never had a message or a consumer.
        configQueue: q ? { size: q.size, consumers: q.consumers } : null,
        ...(consumers.has(id) ? { consumers: consumers.get(id) } : {}),
      };
    }),
  });
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    let parsed: ReturnType<typeof ConsoleCommand.safeParse>;
    try {
      parsed = ConsoleCommand.safeParse(JSON.parse(line));
    } catch {
      emit({ event: 'refused', reason: 'a command line is not JSON' });
      return;
    }
    if (!parsed.success) emit({ event: 'refused', reason: `bad command: ${z.prettifyError(parsed.error)}` });
    else if (parsed.data.op === 'push') push(parsed.data);
    else void inspect(parsed.data.remotes);
  })
  .on('close', () => void stop());
