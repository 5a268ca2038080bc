import { describe, expect, it } from 'vitest';
import type { FindNameView } from '../../src-shared/ipc/dns-views';
import { CliExit, Exit, parseCli } from './args';
import { findExit, findText } from './find-format';

const refusal = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof CliExit) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('smt find arguments', () => {
  it('reads a name and a type, A by default, the type in any case', () => {
    expect(parseCli(['find', 'www.example.test', '--json']).command).toEqual({
      kind: 'find',
      name: 'www.example.test',
      rrtype: 'A',
    });
    expect(parseCli(['find', 'example.test.', '--type', 'mx']).command).toMatchObject({ rrtype: 'MX' });
  });

  it('refuses a malformed name, an unknown type and --type on another command, each saying why', () => {
    expect(refusal(['find', 'bad..name'])).toEqual({
      code: Exit.usage,
      message: expect.stringMatching(/empty label/),
    });
    expect(refusal(['find', 'h\u00e9.example.test']).message).toMatch(/letters, digits/);
    expect(refusal(['find', 'www.example.test', '--type', 'HINFO']).message).toMatch(
      /record type to look up is one of A, AAAA/,
    );
    expect(refusal(['remotes', '--type', 'A']).message).toMatch(/--type belongs to `smt find`/);
    expect(refusal(['find']).message).toMatch(/takes one name/);
  });
});

const view = (over: Partial<FindNameView> = {}): FindNameView => ({
  name: 'www.example.test.',
  rrtype: 'A',
  askedAt: 0,
  notServing: 2,
  distinctAnswers: 2,
  remotes: [
    { remoteId: 'real-01', state: 'answered', zone: 'example.test', answers: ['192.0.2.10'], differs: false },
    { remoteId: 'real-03', state: 'answered', zone: 'example.test', answers: ['192.0.2.10'], differs: false },
    { remoteId: 'real-04', state: 'answered', zone: 'example.test', answers: ['192.0.2.99'], differs: true },
    { remoteId: 'real-05', state: 'not-asked', zone: 'example.test', status: 'offline' },
  ],
  ...over,
});

describe('smt find output', () => {
  it('marks the remote that differs, lists the one not asked, and exits 1 on a disagreement', () => {
    const text = findText(view());
    expect(text).toMatch(/^\*\s+real-04\s+example\.test\s+192\.0\.2\.99$/m);
    expect(text).toMatch(/^\s+real-01\s+example\.test\s+192\.0\.2\.10$/m);
    expect(text).toMatch(/real-05 .*not asked: offline/);
    expect(text).toMatch(/disagree: 2 different answers/);
    expect(findExit(view())).toBe(Exit.drift);
  });

  it('exits 0 when every remote that serves the name gave the same answer', () => {
    const same = view({
      distinctAnswers: 1,
      remotes: [
        { remoteId: 'real-01', state: 'answered', zone: 'example.test', answers: [], differs: false },
      ],
    });
    expect(findText(same)).toMatch(/real-01\s+example\.test\s+\(no records\)/);
    expect(findExit(same)).toBe(Exit.ok);
  });
});
