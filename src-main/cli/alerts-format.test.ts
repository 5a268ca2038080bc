import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src-shared/ipc/alert-views';
import { CliExit, Exit, parseCli } from './args';
import { ackExit, ackText, alertsJson, alertsText } from './format';

const usageError = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof CliExit) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'a-1',
  rule: 'remote-offline',
  severity: 'critical',
  subject: 'r1',
  remoteId: 'r1',
  state: 'firing',
  message: 'r1 has been silent for 130 s',
  value: 130,
  firedAt: 0,
  acknowledgedAt: null,
  acknowledgedBy: null,
  comment: null,
  resolvedAt: null,
  ...over,
});

describe('smt alerts and smt ack arguments', () => {
  it('reads alerts with --firing and ack with ids and a comment', () => {
    expect(parseCli(['alerts', '--firing', '--json'])).toEqual({
      globals: { json: true },
      command: { kind: 'alerts', firing: true },
    });
    expect(parseCli(['ack', 'a-1', 'a-2', 'a-1', '--comment', ' on it '])).toEqual({
      globals: { json: false },
      command: { kind: 'ack', ids: ['a-1', 'a-2'], comment: 'on it' },
    });
  });

  it('refuses a bad id, no id, an empty comment and options of other commands', () => {
    expect(usageError(['ack', 'x-1'])).toMatchObject({
      code: Exit.usage,
      message: /alert id is `a-` and digits/,
    });
    expect(usageError(['ack'])).toMatchObject({ code: Exit.usage, message: /at least one alert id/ });
    expect(usageError(['ack', 'a-1', '--comment', '  '])).toMatchObject({
      message: /--comment takes some text/,
    });
    expect(usageError(['alerts', 'a-1'])).toMatchObject({ message: /no arguments/ });
    expect(usageError(['alerts', '--comment', 'x'])).toMatchObject({
      message: /--comment belongs to `smt ack`/,
    });
    expect(usageError(['remotes', '--firing'])).toMatchObject({
      message: /--firing belongs to `smt alerts`/,
    });
  });
});

describe('smt alerts and smt ack output', () => {
  const view = {
    alerts: [
      alert(),
      alert({
        id: 'a-2',
        state: 'acknowledged',
        acknowledgedBy: 'alice',
        acknowledgedAt: 5,
        comment: 'known',
      }),
    ],
    firing: 1,
    generatedAt: 10,
  };

  it('lists each alert with its state, age and message, and the firing count', () => {
    const text = alertsText(view, 120_000);
    expect(text.split('\n')[0]).toMatch(/^ID\s+SEVERITY\s+STATE\s+FIRED\s+RULE\s+MESSAGE/);
    expect(text).toMatch(/a-1\s+critical\s+firing\s+.*remote-offline\s+r1 has been silent for 130 s/);
    expect(text).toMatch(/a-2\s+critical\s+acknowledged by alice/);
    expect(text.split('\n').at(-1)).toBe('1 firing');
    expect(alertsText({ alerts: [], firing: 0, generatedAt: 0 }, 0)).toBe('no alerts');
  });

  it('gives times as ISO strings in --json', () => {
    expect(alertsJson(view)).toMatchObject({
      firing: 1,
      alerts: [
        { id: 'a-1', firedAt: '1970-01-01T00:00:00.000Z', acknowledgedAt: null },
        { id: 'a-2', acknowledgedAt: '1970-01-01T00:00:00.005Z', acknowledgedBy: 'alice', comment: 'known' },
      ],
    });
  });

  it('says what was acknowledged and refused, and exits 4 when anything was refused', () => {
    const some = { acknowledged: ['a-1'], refused: [{ id: 'a-9', reason: 'no such alert' }] };
    expect(ackText(some)).toBe('acknowledged a-1\nrefused a-9: no such alert');
    expect(ackExit(some)).toBe(Exit.failed);
    expect(ackExit({ acknowledged: ['a-1'], refused: [] })).toBe(Exit.ok);
  });
});
