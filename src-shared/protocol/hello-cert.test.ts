import { describe, expect, it } from 'vitest';
import { decodeEnvelope, HelloBody, makeEnvelope, type Body } from './index';

const hello: Body<'hello'> = {
  agent: { version: '0.2.0', mode: 'real' },
  host: { hostname: 'dns-1', ips: ['10.0.0.1'], serviceTag: 'S1', os: 'Debian 12', kernel: '6.1' },
  capabilities: ['dns'],
  tags: [],
  statsIntervalMs: 5000,
  presenceIntervalMs: 2000,
};
const cert = {
  notAfter: Date.UTC(2027, 0, 31),
  subject: 'O=SMT Lab\nOU=remotes\nCN=r-0001',
  serial: '3f09a1',
  sha256: 'a'.repeat(64),
};

/** The hello as a frame from r-0001, with `cert` as given (not through makeEnvelope, which checks it). */
const frame = (c: unknown) =>
  JSON.stringify({ ...makeEnvelope('hello', 'r-0001', hello), body: { ...hello, cert: c } });

describe("hello: the agent's certificate (issue 17)", () => {
  it('is optional: an older agent or the Python peer leaves it out', () => {
    expect(HelloBody.parse(hello).cert).toBeUndefined();
    const r = decodeEnvelope(JSON.stringify(makeEnvelope('hello', 'r-0001', hello)), ['hello']);
    expect(r.ok).toBe(true);
  });

  it('is taken as sent', () => {
    const r = decodeEnvelope(frame(cert), ['hello']);
    expect(r.ok && r.envelope.body.cert).toEqual(cert);
    // Node prints serials upper-case; both are hex.
    expect(HelloBody.parse({ ...hello, cert: { ...cert, serial: 'ABC' } }).cert?.serial).toBe('ABC');
  });

  it.each([
    ['a date as text', { ...cert, notAfter: '2027-01-31' }, /body\.cert\.notAfter/],
    ['a negative date', { ...cert, notAfter: -1 }, /body\.cert\.notAfter/],
    ['a fractional date', { ...cert, notAfter: 1.5 }, /body\.cert\.notAfter/],
    ['a serial that is not hex', { ...cert, serial: 'xyz' }, /a certificate serial number in hex/],
    ['a serial over 20 octets', { ...cert, serial: 'f'.repeat(41) }, /a certificate serial number in hex/],
    ['an empty serial', { ...cert, serial: '' }, /a certificate serial number in hex/],
    ['a fingerprint with colons', { ...cert, sha256: 'AB:CD' }, /a SHA-256 hash in lower-case hex/],
    ['an upper-case fingerprint', { ...cert, sha256: 'A'.repeat(64) }, /a SHA-256 hash in lower-case hex/],
    ['a subject over 1024 characters', { ...cert, subject: 'x'.repeat(1025) }, /body\.cert\.subject/],
    ['no date', { subject: cert.subject, serial: cert.serial, sha256: cert.sha256 }, /body\.cert\.notAfter/],
    ['a string instead of an object', 'soon', /body\.cert/],
    ['null', null, /body\.cert/],
  ])('refuses %s with a message that names the field', (_name, c, message) => {
    const r = decodeEnvelope(frame(c), ['hello']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('schema');
      expect(r.detail).toMatch(message);
    }
  });
});
