/**
 * The chaos harness's line to the console core, which runs as its own process (console-process.ts) so
 * the harness can SIGKILL it: one JSON command per stdin line, one JSON event per stdout line, both
 * checked with these schemas on the side that reads them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { PushRequest } from '../src-shared/push/request';
import { QueueConsumer } from './consumer-advisories';

export const ConsoleCommand = z.discriminatedUnion('op', [
  z.object({ op: z.literal('push'), request: PushRequest }),
  /** What the console knows of these remotes, and the broker's figures of their config queues. */
  z.object({ op: z.literal('inspect'), remotes: z.array(z.string()).max(1000) }),
]);
export type ConsoleCommand = z.input<typeof ConsoleCommand>;

export const RemoteInspection = z.object({
  id: z.string(),
  /** The console's view: online, offline (presence lapsed) or unknown (not heard this session). */
  status: z.string(),
  lastSeenAgoMs: z.number().nullable(),
  /** Messages in the remote's config queue (waiting or delivered and unacknowledged), and its consumers. */
  configQueue: z.object({ size: z.number().int(), consumers: z.number().int() }).nullable(),
  /** When it has more than one consumer: each, by its broker connection. */
  consumers: z.array(QueueConsumer).optional(),
});
export type RemoteInspection = z.infer<typeof RemoteInspection>;

export const ConsoleEvent = z.discriminatedUnion('event', [
  /** Connected, and knows every remote of the run with its capabilities. */
  z.object({ event: z.literal('ready'), remotes: z.number().int().nonnegative() }),
  z.object({
    event: z.literal('pushed'),
    id: z.string(),
    version: z.number().int().positive(),
    targets: z.number().int().nonnegative(),
    unknown: z.array(z.string()),
  }),
  z.object({ event: z.literal('refused'), reason: z.string() }),
  z.object({
    event: z.literal('inspected'),
    /** Why the queue figures are missing or partial, if they are. */
    queuesProblem: z.string().nullable(),
    remotes: z.array(RemoteInspection),
  }),
]);
export type ConsoleEvent = z.infer<typeof ConsoleEvent>;

const script = join(import.meta.dirname, 'console-process.ts');
/** Enough of a console's stderr to show why it died or what it warned about. */
const KEEP_LOG_CHARS = 20_000;

/** One console process; `start` again after a kill for the next one (a console restart). */
export class ConsoleProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readyNow = false;
  private log = '';
  private waiters: ((e: ConsoleEvent) => void)[] = [];

  constructor(
    private readonly lab: string,
    private readonly dbFile: string,
    private readonly remotes: number,
    /** Hears what is worth a line in the run's output: a refused push, targets the console did not know. */
    private readonly say: (line: string) => void,
  ) {}

  get ready(): boolean {
    return this.readyNow;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last of its stderr (warnings, errors, the reason it exited). */
  logTail(): string {
    return this.log;
  }

  /** Starts the process and resolves once it is ready; rejects (with its stderr) if it exits first. */
  async start(timeoutMs = 180_000): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, this.lab, this.dbFile, String(this.remotes)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.readyNow = false;
    this.log = '';
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-KEEP_LOG_CHARS)));
    // A broken pipe to a process that died is seen by `exited`, not here.
    child.stdin?.on('error', () => undefined);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => this.onLine(line));
    // 'close', not 'exit': by then its stderr is read to the end, so a failure can quote it.
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        this.log += `(exited with ${signal ?? `code ${code}`})\n`;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.next((e) => e.event === 'ready'),
        this.exited.then(() => {
          throw new Error(`the console process exited before it was ready:\n${this.log}`);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the console process was not ready in ${timeoutMs} ms:\n${this.log}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL, as a crash would; resolves once it is gone. */
  async kill(): Promise<void> {
    this.readyNow = false;
    if (this.child?.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: it stops its engine and core (the outbox keeps what is not sent) and exits. */
  async stop(): Promise<void> {
    this.readyNow = false;
    if (this.child?.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Asks for a push; a refusal, or ids the console did not know, are said when the answer comes. */
  push(request: z.input<typeof PushRequest>): void {
    this.send({ op: 'push', request });
  }

  /** What the console and the broker say of these remotes; undefined when the console does not answer. */
  async inspect(remotes: string[], timeoutMs = 30_000): Promise<RemoteInspection[] | string> {
    const answer = this.next((e) => e.event === 'inspected');
    this.send({ op: 'inspect', remotes });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      const e = await Promise.race([answer, timeout]);
      if (e?.event !== 'inspected') return `the console did not answer within ${timeoutMs} ms`;
      return e.queuesProblem ? `${e.queuesProblem}; ${JSON.stringify(e.remotes)}` : e.remotes;
    } finally {
      clearTimeout(timer);
    }
  }

  private send(command: ConsoleCommand): void {
    this.child?.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  private next(match: (e: ConsoleEvent) => boolean): Promise<ConsoleEvent> {
    return new Promise((resolve) => {
      const waiter = (e: ConsoleEvent) => {
        if (!match(e)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(e);
      };
      this.waiters.push(waiter);
    });
  }

  private onLine(line: string): void {
    let parsed: ReturnType<typeof ConsoleEvent.safeParse>;
    try {
      parsed = ConsoleEvent.safeParse(JSON.parse(line));
    } catch {
      this.log += `(not JSON on stdout) ${line}\n`;
      return;
    }
    if (!parsed.success) {
      this.log += `(not a console event) ${line}: ${z.prettifyError(parsed.error)}\n`;
      return;
    }
    const e = parsed.data;
    if (e.event === 'ready') this.readyNow = true;
    else if (e.event === 'refused') this.say(`chaos: the console refused a push: ${e.reason}`);
    else if (e.event === 'pushed' && e.unknown.length > 0) {
      this.say(`chaos: push ${e.id} left out remotes the console did not know: ${e.unknown.join(', ')}`);
    }
    for (const w of [...this.waiters]) w(e);
  }
}
