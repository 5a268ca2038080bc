/**
 * Zone and scope input as a renderer or `smt push` hands it to the models, and `--to` selector text:
 * whatever comes in, the model answers with issues at their fields (never an exception), what it
 * accepts renders, and a selector is parsed or refused with a SelectorSyntaxError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damaged } from '../protocol/testing/hostile';
import { DhcpScope } from './scope';
import { renderScope } from './scope-render';
import { sampleZone as zone } from './testing/samples';
import { SelectorSyntaxError, TargetSelector, parseSelector } from './selector';
import { Zone } from './zone';
import { renderZone } from './zone-render';

/** Generated cases per property: docs/reliability.md quotes them. */
const RUNS = 2_000;
const BIG = 5;

const scope = {
  subnet: '192.0.2.0/24',
  id: 7,
  pools: [
    { start: '192.0.2.100', end: '192.0.2.149' },
    { start: '192.0.2.150', end: '192.0.2.199' },
  ],
  options: [{ name: 'routers', data: '192.0.2.1' }],
  reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '192.0.2.10', hostname: 'printer' }],
  validLifetimeS: 3600,
};

/** Every issue names where it is and what is wrong. */
const expectIssues = (error: { issues: { path: PropertyKey[]; message: string }[] }) => {
  expect(error.issues.length).toBeGreaterThan(0);
  for (const i of error.issues) expect(i.message.length).toBeGreaterThan(0);
};

describe('zone and scope models under generated input', () => {
  it(`check any damage to a zone field by field, and render what they accept (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(damaged(zone), (text) => {
        const r = Zone.safeParse(JSON.parse(text));
        if (!r.success) return expectIssues(r.error);
        const rendered = renderZone(r.data);
        expect(rendered).toBe(renderZone(r.data));
        expect(rendered).toContain(' SOA ');
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`check any damage to a scope field by field, and render what they accept (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(damaged(scope), (text) => {
        const r = DhcpScope.safeParse(JSON.parse(text));
        if (!r.success) return expectIssues(r.error);
        expect(renderScope(r.data)).toContain(`subnet ${r.data.subnet}`);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it(`check a scope of hundreds of pools and thousands of reservations without hanging (${BIG} cases)`, () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.0.${a}.${b}`);
    const big = fc.record({
      subnet: fc.constantFrom('10.0.0.0/16', '10.0.0.0/24', '10.0.0.0/8'),
      id: fc.integer({ min: 1, max: 10 }),
      pools: fc.array(fc.record({ start: ip, end: ip }), { minLength: 200, maxLength: 256 }),
      reservations: fc.array(fc.record({ hwAddress: fc.constant('52:54:00:12:34:56'), ipAddress: ip }), {
        minLength: 2000,
        maxLength: 10_000,
      }),
    });
    fc.assert(
      fc.property(big, (s) => {
        const r = DhcpScope.safeParse(s);
        if (!r.success) expectIssues(r.error);
      }),
      { numRuns: BIG },
    );
  }, 60_000);
});

describe('--to selector text under generated input', () => {
  it(`parses a selector or refuses it with a SelectorSyntaxError naming the term (${RUNS} cases)`, () => {
    const term = fc.oneof(
      fc.constantFrom(
        'all',
        'online',
        'offline',
        'r-0001',
        'cap:dns',
        'cap:dhcp4',
        'tag:site=ams',
        'host:ns*',
      ),
      fc.constantFrom('tag:', 'cap:', 'host:', 'tag:=', 'tag:a=', 'R-1', '', ' ', '*', '__proto__'),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    const text = fc
      .tuple(fc.array(term, { maxLength: 5 }), fc.constantFrom(',', '+', ', ', ' + '))
      .map(([terms, joiner]) => terms.join(joiner));
    fc.assert(
      fc.property(text, (t) => {
        let selector: unknown;
        try {
          selector = parseSelector(t);
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorSyntaxError);
          expect((e as Error).message.length).toBeGreaterThan(0);
          return;
        }
        expect(TargetSelector.safeParse(selector).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
