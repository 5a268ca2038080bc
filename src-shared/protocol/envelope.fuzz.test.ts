import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelTypes, decodeEnvelope, type ChannelType, type RejectReason } from './index';
import { hostileBody } from './testing/hostile';

/** Generated cases per property; docs/reliability.md quotes them. */
const RUNS = 5_000;
const reasons: RejectReason[] = [
  'oversized',
  'not-json',
  'unknown-type',
  'unsupported-version',
  'schema',
  'unexpected-type',
];
const MAX = 4096;
/** What a receiver may expect on one subscription: each channel alone, and a few together. */
const expectedSets: ChannelType[][] = [
  ...channelTypes.map((t) => [t]),
  ['stats', 'presence'],
  ['hello', 'event', 'result'],
];
const someChannels = fc.constantFrom(...expectedSets);

describe('decodeEnvelope under generated input', () => {
  it(`gives every body the verdict it is owed: the envelope, or the one specific reason (${RUNS} cases)`, () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.oneof(
          ...expectedSets.map((expected) =>
            hostileBody(expected, 'r-0001', { oversizedAbove: MAX }).map((b) => [expected, b] as const),
          ),
        ),
        ([expected, { kind, body, verdict }]) => {
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          const decoded = decodeEnvelope(body, expected, MAX);
          if (verdict.ok) {
            expect(decoded).toEqual({ ok: true, envelope: verdict.env });
          } else {
            expect(decoded).toMatchObject({ ok: false, reason: verdict.reason });
            if (!decoded.ok) expect(decoded.detail.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Every kind of damage was generated, each many times.
    for (const kind of [
      'good',
      'not-json',
      'version',
      'unknown-type',
      'unexpected-type',
      'field-damage',
      'proto-key',
    ]) {
      expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(RUNS / 40);
    }
  }, 60_000);

  it(`never throws on anything at all, and names a known reason with a bounded detail (${RUNS} cases)`, () => {
    const anything = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
      fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined'),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ v: 1, type: 'stats', body: v })),
    );
    fc.assert(
      fc.property(someChannels, anything, (expected, raw) => {
        const decoded = decodeEnvelope(raw, expected, MAX);
        if (!decoded.ok) {
          expect(reasons).toContain(decoded.reason);
          expect(decoded.detail.length).toBeGreaterThan(0);
          expect(decoded.detail.length).toBeLessThanOrEqual(600);
        } else {
          expect(expected).toContain(decoded.envelope.type);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
