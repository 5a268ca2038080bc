import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkArgs, joinedIssues, prettyIssues, readArgs, usageText, UsageError } from './command-line';

const options = { dir: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('readArgs', () => {
  it('reads flags anywhere on the line, and the words between them when asked', () => {
    expect(readArgs(['status', '--json', '--dir', '/x'], options, true)).toMatchObject({
      values: { dir: '/x', json: true },
      positionals: ['status'],
    });
    expect(readArgs(['--dir=/y'], options).values).toEqual({ dir: '/y' });
  });

  it.each([
    [['--verbose'], true, "Unknown option '--verbose'"],
    [['--dir'], true, "Option '--dir <value>' argument missing"],
    [['status'], false, "Unexpected argument 'status'"],
  ])('refuses %j as a UsageError with Node’s message', (argv, positionals, message) => {
    const read = () => readArgs(argv, options, positionals);
    expect(read).toThrow(UsageError);
    expect(read).toThrow(message);
  });
});

describe('checkArgs', () => {
  const Port = z.object({
    port: z.coerce
      .number('--port takes a number')
      .int('--port takes a whole number')
      .min(1, '--port is at least 1'),
    host: z.string('--host is required'),
  });

  it('returns what the schema reads', () => {
    expect(checkArgs(Port, { port: '80', host: 'h' })).toEqual({ port: 80, host: 'h' });
  });

  it('words every complaint, by default on one line', () => {
    const check = () => checkArgs(Port, { port: '0.5' });
    expect(check).toThrow(UsageError);
    expect(check).toThrow('--port takes a whole number; --host is required');
  });

  it('words them as the CLI asks', () => {
    expect(() => checkArgs(Port, { port: 'x', host: 'h' }, prettyIssues)).toThrow(
      '✖ --port takes a number\n  → at port',
    );
    expect(() => checkArgs(Port, {}, (e) => `${e.issues.length} problems`)).toThrow('2 problems');
  });

  it('joins issues with "; "', () => {
    const r = z.string('a').safeParse(1);
    expect(r.success ? '' : joinedIssues(r.error)).toBe('a');
  });
});

describe('usageText', () => {
  it('names the program and the mistake, then the usage', () => {
    expect(usageText('lab', 'usage: lab up', new UsageError('missing command'))).toBe(
      'lab: missing command\nusage: lab up\n',
    );
  });
});
