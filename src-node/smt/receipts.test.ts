import { afterEach, describe, expect, it, vi } from 'vitest';
import { SmtSessionLostError } from './errors';
import { Receipts } from './receipts';

describe('Receipts', () => {
  let clock = 0;
  const made: Receipts[] = [];
  const receipts = (onOverdue: (why: string) => void = () => undefined) => {
    const r = new Receipts(1000, () => clock, onOverdue);
    made.push(r);
    return r;
  };
  afterEach(() => {
    for (const r of made.splice(0)) r.failAll('test over');
    vi.useRealTimers();
    clock = 0;
  });

  it('settles a frame on its receipt, and fails the ones still waiting when the session ends', async () => {
    const r = receipts();
    const confirmed = new Promise<void>((resolve, reject) => r.expect('the first', resolve, reject)());
    const waiting = new Promise<void>((resolve, reject) => r.expect('the second', resolve, reject));
    await expect(confirmed).resolves.toBeUndefined();
    r.failAll('heart-beat missed');
    await expect(waiting).rejects.toBeInstanceOf(SmtSessionLostError);
    await expect(waiting).rejects.toThrow(/confirmed the second: heart-beat missed/);
  });

  /** Receipts on fake timers with one frame sent, and what they say is overdue. */
  const watching = () => {
    vi.useFakeTimers();
    const overdue: string[] = [];
    const r = receipts((why) => overdue.push(why));
    const onReceipt = r.expect(
      'a send',
      () => undefined,
      () => undefined,
    );
    return { r, overdue, onReceipt };
  };

  it('says a receipt is overdue once it waited the timeout, and stops looking once told', () => {
    const { r, overdue } = watching();
    clock = 999;
    vi.advanceTimersByTime(250);
    expect(overdue).toEqual([]);
    clock = 1000;
    vi.advanceTimersByTime(250);
    expect(overdue).toEqual([
      'the broker confirmed nothing for 1000 ms: it lost a frame, so the session is opened again',
    ]);
    r.stopWatching();
    vi.advanceTimersByTime(1000);
    expect(overdue).toHaveLength(1);
  });

  it('does not count a frame whose receipt came', () => {
    const { overdue, onReceipt } = watching();
    onReceipt();
    clock = 5000;
    vi.advanceTimersByTime(500);
    expect(overdue).toEqual([]);
  });
});
