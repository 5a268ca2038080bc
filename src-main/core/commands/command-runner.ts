import type { CommandOutcome } from '../../../src-shared/ipc/remote-views';
import type { Body, Envelope } from '../../../src-shared/protocol';
import { silentLog, type LogSink } from '../../../src-node/log';
import { errorText } from '../../../src-shared/util/error-text';

export interface CommandPort {
  /** Resolves with the message's smt-id once the broker stored it; rejects if it did not. */
  send(remoteId: string, body: Body<'command'>): Promise<string>;
}

interface Waiting {
  remoteId: string;
  resolve: (o: CommandOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs service commands (reload, restart, flush cache) on remotes and waits a bounded time for each
 * remote's result. A remote that does not answer in time is `waiting`: the broker keeps the command for
 * its time to live and the remote runs it when it returns.
 */
export class CommandRunner {
  private readonly waiting = new Map<string, Waiting>();
  private readonly now: () => number;
  private readonly log: LogSink;

  constructor(
    private readonly port: CommandPort,
    opts: { now?: () => number; log?: LogSink } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLog;
  }

  async run(remoteId: string, body: Body<'command'>, timeoutMs: number): Promise<CommandOutcome> {
    let smtId: string;
    try {
      smtId = await this.port.send(remoteId, body);
    } catch (e) {
      return {
        remoteId,
        state: 'not-sent',
        reason: `the broker did not take it (${errorText(e)}); try again once the console is connected`,
        at: this.now(),
      };
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(smtId);
        resolve({
          remoteId,
          state: 'waiting',
          reason: `no answer within ${Math.round(timeoutMs / 1000)} s; the remote runs it when it is back (the broker keeps it 10 minutes)`,
          at: this.now(),
        });
      }, timeoutMs);
      this.waiting.set(smtId, { remoteId, resolve, timer });
    });
  }

  /** A result from the core; returns whether it answered one of this runner's commands. */
  takeResult(env: Envelope<'result'>): boolean {
    const w = this.waiting.get(env.body.ref);
    if (!w) return false;
    if (w.remoteId !== env.from) {
      this.log({ level: 'warn', msg: `${env.from} answered a command sent to ${w.remoteId}; ignored` });
      return false;
    }
    if (env.body.state !== 'applied' && env.body.state !== 'failed') return false;
    clearTimeout(w.timer);
    this.waiting.delete(env.body.ref);
    w.resolve({
      remoteId: w.remoteId,
      state: env.body.state,
      ...(env.body.reason === undefined ? {} : { reason: env.body.reason }),
      at: this.now(),
    });
    return true;
  }

  /** Pending runs end as `waiting`: the commands stay with the broker. */
  close(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve({
        remoteId: w.remoteId,
        state: 'waiting',
        reason: 'the console closed before the answer',
        at: this.now(),
      });
      this.waiting.delete(id);
    }
  }
}
