import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliExit, Exit, parseCli } from './args';

/** Generated cases: docs/reliability.md quotes them. */
const RUNS = 3_000;

describe('smt arguments under generated input', () => {
  it(`parses a command line or refuses it with a usage exit that says why (${RUNS} cases)`, () => {
    const word = fc.oneof(
      fc.constantFrom('remotes', 'push', 'zone', 'scope', 'deliveries', 'cancel', 'retry', 'zone.txt', 'all'),
      fc.constantFrom(
        '--to',
        '--zone',
        '--canary',
        '--expires',
        '--wait',
        '--timeout',
        '--preview',
        '--json',
      ),
      fc.constantFrom(
        '--profile',
        '--db',
        '--to=all',
        '--canary=-1',
        '--timeout=1e9',
        '--expires=2h',
        '-x',
        '--',
      ),
      fc.constantFrom('tag:site=ams', 'r-0001,r-0002', '__proto__', crypto.randomUUID()),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        try {
          const inv = parseCli(argv);
          expect(['remotes', 'push', 'deliveries', 'cancel', 'retry']).toContain(inv.command.kind);
        } catch (e) {
          expect(e).toBeInstanceOf(CliExit);
          expect((e as CliExit).code).toBe(Exit.usage);
          expect((e as CliExit).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
