import { receiptOption } from './receipts';
import type { Session } from './session';

/** Sends in one transaction at most: what one commit makes the broker hold in memory at once. */
export const MAX_TRANSACTION_FRAMES = 256;

/** The grouped sends of this turn: one transaction, settled by its COMMIT's receipt. */
interface SendGroup {
  session: Session;
  transaction: string;
  frames: number;
  settle: { resolve: () => void; reject: (e: Error) => void }[];
}

/**
 * Grouped sends (SendOptions.grouped): the sends of one turn of the event loop go in one STOMP transaction
 * of at most MAX_TRANSACTION_FRAMES, each resolving on its COMMIT's receipt. ActiveMQ handles one
 * connection's frames in order and stores a persistent SEND before it reads the next, so a fan-out of N
 * messages sent one by one waits for N journal writes in a row; committed together they are one.
 */
export class SendGroups {
  private group: SendGroup | undefined;
  private seq = 0;

  send(s: Session, headers: Record<string, string>, body: Buffer): Promise<void> {
    let group = this.group;
    if (!group || group.session !== s || group.frames >= MAX_TRANSACTION_FRAMES) {
      group = this.begin(s);
    }
    s.client.send({ ...headers, transaction: group.transaction }).end(body);
    group.frames++;
    const settle = group.settle;
    return new Promise<void>((resolve, reject) => settle.push({ resolve, reject }));
  }

  private begin(s: Session): SendGroup {
    const group: SendGroup = { session: s, transaction: `smt-tx-${++this.seq}`, frames: 0, settle: [] };
    this.group = group;
    // Registered now: a session that ends before the COMMIT's receipt fails every send in it.
    const done = s.receipts.expect(
      `a transaction of messages (${group.transaction})`,
      () => group.settle.forEach((w) => w.resolve()),
      (e) => group.settle.forEach((w) => w.reject(e)),
    );
    s.client.sendFrame('BEGIN', { transaction: group.transaction }).end();
    setImmediate(() => {
      if (this.group === group) this.group = undefined;
      if (!s.sendsFrames) return;
      s.client.sendFrame('COMMIT', { transaction: group.transaction }, receiptOption(done)).end();
    });
    return group;
  }
}
