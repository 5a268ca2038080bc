import { absoluteName, originOf } from './zone';

/** One resource record of a master file as an admin reads it in a table: names absolute, TTL resolved. */
export interface ServedRecord {
  /** 1-based line of the file where the record starts (a record in parentheses spans several). */
  line: number;
  /** Absolute owner name, with its trailing dot, case as written. */
  name: string;
  ttl: number;
  class: string;
  type: string;
  /** The RDATA as written, whitespace collapsed (relative names are left as the file writes them). */
  data: string;
}

export interface ZoneRecords {
  records: ServedRecord[];
  /** Lines that are not records this reader understands, with why; the rest of the file is still read. */
  problems: { line: number; message: string }[];
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
/** The mnemonics BIND reads in a master file (and RFC 3597's TYPEnnn): a word beyond them is no type. */
const TYPES = new Set(
  (
    'A AAAA A6 AFSDB APL CAA CDNSKEY CDS CERT CNAME CSYNC DHCID DLV DNAME DNSKEY DS EUI48 EUI64 HINFO ' +
    'HIP HTTPS IPSECKEY KEY KX LOC MX NAPTR NS NSEC NSEC3 NSEC3PARAM NULL OPENPGPKEY PTR RP RRSIG RT SIG ' +
    'SMIMEA SOA SPF SRV SSHFP SVCB TLSA TXT URI WKS ZONEMD'
  ).split(' '),
);
const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** BIND's TTL forms: `3600`, or `1h30m`, `2d` and the like (case-insensitive units). */
export function parseTtl(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (!/^(\d+[smhdw])+$/i.test(token)) return undefined;
  let total = 0;
  for (const [, n, unit] of token.matchAll(/(\d+)([smhdw])/gi)) {
    total += Number(n) * (TTL_UNITS[(unit ?? 's').toLowerCase()] ?? 1);
  }
  return total;
}

/**
 * Splits the file into logical lines: a `;` comment ends a line outside quotes, and parentheses join
 * physical lines into one (an SOA is usually written that way). Whether the line began with blank space
 * matters: such a record reuses the previous owner.
 */
function logicalLines(text: string): { line: number; blankOwner: boolean; tokens: string[] }[] {
  const out: { line: number; blankOwner: boolean; tokens: string[] }[] = [];
  let current: { line: number; blankOwner: boolean; tokens: string[] } | undefined;
  let depth = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (depth === 0) current = { line: i + 1, blankOwner: /^[ \t]/.test(raw), tokens: [] };
    const tokens = current?.tokens ?? [];
    let token = '';
    let quoted = false;
    let started = false;
    const end = () => {
      if (started) tokens.push(token);
      token = '';
      started = false;
    };
    for (let j = 0; j < raw.length; j++) {
      const c = raw[j] ?? '';
      if (quoted) {
        token += c;
        if (c === '\\' && j + 1 < raw.length) token += raw[++j] ?? '';
        else if (c === '"') quoted = false;
      } else if (c === ';') {
        break;
      } else if (c === '"') {
        token += c;
        started = true;
        quoted = true;
      } else if (c === '(' || c === ')') {
        end();
        depth = Math.max(0, depth + (c === '(' ? 1 : -1));
      } else if (c === ' ' || c === '\t') {
        end();
      } else {
        if (c === '\\' && j + 1 < raw.length) token += c + (raw[++j] ?? '');
        else token += c;
        started = true;
      }
    }
    end();
    if (depth === 0 && current) {
      if (current.tokens.length > 0) out.push(current);
      current = undefined;
    }
  });
  if (current && current.tokens.length > 0) out.push(current);
  return out;
}

/**
 * The records of a zone's master file (what a remote serves), for a table: $ORIGIN and $TTL are followed,
 * a record's TTL falls back to $TTL, then to the previous record's (RFC 1035 §5.1, as BIND does), and a
 * blank owner repeats the previous one. $INCLUDE and $GENERATE are reported, not followed: the remote
 * answers with its one zone file.
 */
export function parseZoneRecords(text: string, zoneName: string): ZoneRecords {
  let origin = originOf(zoneName);
  let defaultTtl: number | undefined;
  let lastTtl: number | undefined;
  let lastOwner: string | undefined;
  const records: ServedRecord[] = [];
  const problems: ZoneRecords['problems'] = [];

  for (const { line, blankOwner, tokens } of logicalLines(text)) {
    const first = tokens[0] ?? '';
    if (first.startsWith('$')) {
      const directive = first.toUpperCase();
      const arg = tokens[1];
      if (directive === '$ORIGIN' && arg) origin = absoluteName(arg, origin);
      else if (directive === '$TTL' && arg && parseTtl(arg) !== undefined) defaultTtl = parseTtl(arg);
      else problems.push({ line, message: `${first} is not followed here` });
      continue;
    }
    const rest = [...tokens];
    let owner = lastOwner;
    if (!blankOwner) owner = absoluteName(rest.shift() ?? '@', origin);
    if (owner === undefined) {
      problems.push({ line, message: 'a record with a blank owner before any named one' });
      continue;
    }
    let ttl: number | undefined;
    let klass = 'IN';
    // TTL and class come before the type, in either order.
    for (let k = 0; k < 2; k++) {
      const t = rest[0] ?? '';
      const asTtl = parseTtl(t);
      if (ttl === undefined && asTtl !== undefined) {
        ttl = asTtl;
        rest.shift();
      } else if (CLASSES.has(t.toUpperCase())) {
        klass = t.toUpperCase();
        rest.shift();
      }
    }
    const type = rest.shift()?.toUpperCase();
    if (!type || !(TYPES.has(type) || /^TYPE\d{1,5}$/.test(type))) {
      problems.push({ line, message: type ? `"${type}" is not a record type` : 'no record type' });
      continue;
    }
    // The SOA's last field is the default for records without a TTL when there is no $TTL (pre-RFC 2308).
    if (type === 'SOA' && defaultTtl === undefined && ttl === undefined) {
      const minimum = parseTtl(rest[6] ?? '');
      if (minimum !== undefined) defaultTtl = minimum;
    }
    const resolved = ttl ?? defaultTtl ?? lastTtl;
    if (resolved === undefined) {
      problems.push({ line, message: `${owner} ${type} has no TTL and there is no $TTL before it` });
      continue;
    }
    lastOwner = owner;
    lastTtl = resolved;
    records.push({ line, name: owner, ttl: resolved, class: klass, type, data: rest.join(' ') });
  }
  return { records, problems };
}
