/**
 * The SOA serial of a zone as text (a zone file as pushed, served or adopted), read and rewritten in
 * place: a reconcile or revert pushes a zone's content again and must raise its serial past what the
 * targets serve, or named refuses it as not later than the served serial.
 */

const SPAN = 2 ** 32;

/** RFC 1982 serial arithmetic: is `a` later than `b`? */
export function serialAfter(a: number, b: number): boolean {
  const d = (a - b + SPAN) % SPAN;
  return d !== 0 && d < 2 ** 31;
}

/** The serials are more than half the serial space apart: no serial is later than all of them. */
export class SerialSpreadError extends Error {
  override name = 'SerialSpreadError';
}

/**
 * The next serial after all of `serials` in RFC 1982 arithmetic (max + 1 while nothing wrapped; past
 * 4294967295 it wraps to 0, which named takes as later). Date-style serials (YYYYMMDDnn) stay in their
 * form as long as the day's 99 changes are not exceeded, which is the admin's own convention to keep.
 */
export function serialAbove(serials: readonly number[]): number {
  if (serials.length === 0) throw new RangeError('serialAbove needs at least one serial');
  const latest = serials.reduce((a, b) => (serialAfter(b, a) ? b : a));
  const next = (latest + 1) % SPAN;
  const behind = serials.find((s) => !serialAfter(next, s));
  if (behind !== undefined) {
    throw new SerialSpreadError(
      `the serials ${latest} and ${behind} are more than 2^31 apart: no serial is later than both`,
    );
  }
  return next;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Master-file tokens (RFC 1035 §5.1) with their offsets: comments dropped, quoted strings kept whole. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ text: c, start: i, end: i + 1 });
      i++;
    } else {
      const start = i;
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i++;
      } else {
        while (i < text.length && !/[\s;()"]/.test(text[i] as string)) i += text[i] === '\\' ? 2 : 1;
      }
      out.push({ text: text.slice(start, Math.min(i, text.length)), start, end: Math.min(i, text.length) });
    }
  }
  return out;
}

/** Where the first SOA record's serial is in the text: the third field after the `SOA` type. */
function serialToken(text: string): Token | undefined {
  const all = tokens(text).filter((t) => t.text !== '(' && t.text !== ')');
  for (let i = 0; i < all.length; i++) {
    if (all[i]?.text.toUpperCase() !== 'SOA') continue;
    const serial = all[i + 3];
    // An owner that happens to be named "soa" is followed by a TTL, class or type, not by mname rname serial.
    if (serial !== undefined && /^[0-9]{1,10}$/.test(serial.text) && Number(serial.text) < SPAN)
      return serial;
  }
  return undefined;
}

/** The zone text's SOA serial; undefined when it has no SOA record that can be read. */
export function soaSerialOf(text: string): number | undefined {
  const t = serialToken(text);
  return t === undefined ? undefined : Number(t.text);
}

/** The same text with its SOA serial replaced, every other byte unchanged; undefined without an SOA. */
export function withSoaSerial(text: string, serial: number): string | undefined {
  const t = serialToken(text);
  return t === undefined ? undefined : `${text.slice(0, t.start)}${serial}${text.slice(t.end)}`;
}
