import { describe, expect, it } from 'vitest';
import { EventOutbox, processEvents } from './events';

const named = (running: boolean, pid?: number) => ({
  name: 'named' as const,
  running,
  ...(pid ? { pid } : {}),
});

describe('processEvents', () => {
  it.each([
    ['first sample, running: nothing happened', undefined, [named(true, 5)], []],
    [
      'first sample, down',
      undefined,
      [named(false)],
      [['critical', 'process-stopped', 'named is not running']],
    ],
    [
      'stopped',
      [named(true, 5)],
      [named(false)],
      [['critical', 'process-stopped', 'named is not running (it was, as pid 5)']],
    ],
    ['still down: said once', [named(false)], [named(false)], []],
    [
      'started again',
      [named(false)],
      [named(true, 9)],
      [['info', 'process-started', 'named is running again (pid 9)']],
    ],
    [
      'restarted between samples',
      [named(true, 5)],
      [named(true, 9)],
      [['warning', 'process-restarted', 'named restarted (pid 5 → 9)']],
    ],
    ['a new process found running', [], [named(true, 5)], []],
  ] as const)('%s', (_n, before, after, expected) => {
    expect(processEvents(before, after, 1).map((e) => [e.severity, e.code, e.message])).toEqual(expected);
  });
});

describe('EventOutbox', () => {
  it('sends in order and keeps what failed for the next flush', async () => {
    const box = new EventOutbox();
    box.add({ severity: 'info', code: 'a', message: 'a' }, { severity: 'info', code: 'b', message: 'b' });
    const sent: string[] = [];
    await expect(
      box.flush(async (e) => {
        if (e.code === 'b') throw new Error('session lost');
        sent.push(e.code);
      }, 0),
    ).rejects.toThrow('session lost');
    expect(box.size).toBe(1);
    await box.flush(async (e) => void sent.push(e.code), 0);
    expect(sent).toEqual(['a', 'b']);
  });

  it('keeps the newest past its bound and says how many it dropped', async () => {
    const box = new EventOutbox(2);
    for (const c of ['a', 'b', 'c', 'd']) box.add({ severity: 'info', code: c, message: c });
    const sent: string[] = [];
    await box.flush(async (e) => void sent.push(e.code === 'events-dropped' ? e.message : e.code), 0);
    expect(sent).toEqual(['2 older event(s) were dropped while the broker could not be reached', 'c', 'd']);
  });
});
