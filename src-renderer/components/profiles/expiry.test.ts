import { describe, expect, it } from 'vitest';
import { expiryOf } from './expiry';

const DAY = 86_400_000;
const now = Date.parse('2026-11-25T12:00:00Z');

describe('expiryOf', () => {
  it.each([
    ['far', now + 400 * DAY, now - DAY, { tone: 'ok', text: '2027-12-30' }],
    ['within 30 days', now + 12 * DAY + 5, now - DAY, { tone: 'warn', text: '2026-12-07 (in 12 days)' }],
    ['one day', now + DAY + 5, now - DAY, { tone: 'warn', text: '2026-11-26 (in 1 day)' }],
    ['hours', now + 5, now - DAY, { tone: 'warn', text: '2026-11-25 (in less than a day)' }],
    ['expired', now - DAY, now - 9 * DAY, { tone: 'bad', text: 'expired 2026-11-24' }],
    ['not yet', now + 9 * DAY, now + DAY, { tone: 'bad', text: 'not valid before 2026-11-26' }],
  ])('%s', (_name, notAfter, notBefore, expected) => {
    expect(expiryOf(notAfter, notBefore, now)).toEqual(expected);
  });
});
