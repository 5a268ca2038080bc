import {
  type RecordType,
  type Zone,
  type ZoneRecord,
  absoluteName,
  originOf,
  relativeName,
  rdataKey,
  rnameToDotted,
} from './zone';

/** Order of types at one owner; NS first so the apex reads SOA, NS, then the rest. */
const TYPE_ORDER: RecordType[] = ['NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR'];

/**
 * A TXT character-string in zone-file quoting: `"` and `\` escaped, and every byte outside printable
 * ASCII written as \DDD so the file stays ASCII and BIND reads back exactly the bytes given.
 */
export function quoteTxt(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

function rdata(r: ZoneRecord): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return r.address;
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return r.target;
    case 'MX':
      return `${r.preference} ${r.exchange}`;
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'TXT':
      return r.strings.map(quoteTxt).join(' ');
  }
}

/** Canonical DNS order (RFC 4034 §6.1): labels compared from the right, so a subtree stays together. */
function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x = '', y = ''] = [a[i], b[i]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The zone file of a zone the `Zone` schema accepted. The same zone always gives the same text (SOA, the
 * apex NS records, then by owner in canonical order, type and data), so its hash says whether a remote
 * serves what was pushed.
 */
export function renderZone(zone: Zone): string {
  const origin = originOf(zone.name);
  const rows = zone.records.map((r) => {
    const abs = absoluteName(r.owner, origin);
    const labels = abs.toLowerCase().split('.').reverse();
    return { r, labels, owner: relativeName(abs, origin), data: rdata(r), key: rdataKey(r, origin) };
  });
  rows.sort(
    (a, b) =>
      compareLabels(a.labels, b.labels) ||
      TYPE_ORDER.indexOf(a.r.type) - TYPE_ORDER.indexOf(b.r.type) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const { soa } = zone;
  const table = [
    [
      '@',
      String(zone.ttl),
      'SOA',
      `${soa.mname} ${rnameToDotted(soa.rname)} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`,
    ],
    ...rows.map(({ r, owner, data }) => [owner, r.ttl === undefined ? '' : String(r.ttl), r.type, data]),
  ];
  const width = (col: number) => Math.max(...table.map((row) => (row[col] ?? '').length));
  const [ownerW, ttlW] = [width(0), width(1)];
  const lines = table.map(([owner = '', ttl = '', type = '', data = '']) =>
    `${owner.padEnd(ownerW)} ${ttl.padStart(ttlW)} IN ${type.padEnd(5)} ${data}`.replace(/ +$/, ''),
  );
  return [`$ORIGIN ${origin}`, `$TTL ${zone.ttl}`, ...lines, ''].join('\n');
}
