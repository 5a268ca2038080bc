import { z } from 'zod';

/** RFC 2181 §8: TTLs are unsigned 32-bit values with the top bit clear. */
export const MAX_TTL = 2 ** 31 - 1;

export const Ttl = z
  .number({ message: 'a TTL is a whole number of seconds' })
  .int('a TTL is a whole number of seconds')
  .min(0, `a TTL is 0 to ${MAX_TTL} seconds`)
  .max(MAX_TTL, `a TTL is 0 to ${MAX_TTL} seconds`);

const LABEL = /^[A-Za-z0-9_-]+$/;
const IPV4ISH = /^\d{1,3}(\.\d{1,3}){3}\.?$/;

/**
 * Why a name written as in a zone file is not acceptable, or undefined. Only the letters, digits, "-" and
 * "_" that BIND takes unescaped are allowed, so an internationalised name is given in its xn-- form.
 */
function nameProblem(name: string, opts: { wildcard: boolean }): string | undefined {
  if (name === '@') return undefined;
  if (name === '') return 'a name cannot be empty (use @ for the zone apex)';
  if (name === '.') return 'the root "." is not a name inside a zone';
  const labels = (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return `"${name}" has an empty label (two dots in a row, or a leading dot)`;
    if (label === '*' && opts.wildcard && i === 0) continue;
    if (label.length > 63)
      return `label "${label.slice(0, 20)}…" of "${name}" is ${label.length} octets; a DNS label holds at most 63`;
    if (!LABEL.test(label))
      return `"${name}" may hold only letters, digits, "-" and "_" in its labels${opts.wildcard ? ' (and "*" as the first label)' : ''}`;
  }
  return undefined;
}

/** An owner name: `@`, relative to the zone (`www`), or absolute with a trailing dot (`www.example.com.`). */
export const OwnerName = z
  .string()
  .max(255, 'a DNS name is at most 255 octets')
  .superRefine((name, ctx) => {
    const problem = nameProblem(name, { wildcard: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A fully qualified domain name an admin asks about (find a name): absolute, with or without the trailing
 * dot; `@` and the root mean nothing outside a zone.
 */
export const DomainName = z
  .string()
  .trim()
  .min(1, 'give a name such as www.example.com')
  .max(254, 'a DNS name is at most 253 characters and a trailing dot')
  .superRefine((name, ctx) => {
    const problem =
      name === '@'
        ? 'give the full name, such as www.example.com, not @'
        : nameProblem(name, { wildcard: false });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A name a record points at (NS, CNAME, MX, SRV, PTR). As in a zone file, a name without a trailing dot
 * is relative to the zone; "." is accepted only where the record type gives it a meaning.
 */
const TargetName = (what: string, opts: { root: boolean } = { root: false }) =>
  z
    .string()
    .max(255, 'a DNS name is at most 255 octets')
    .superRefine((name, ctx) => {
      if (IPV4ISH.test(name) || name.includes(':')) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} must be a host name, not an IP address (${name}); add an A or AAAA record for the host and name it here`,
        });
        return;
      }
      if (name === '.' && opts.root) return;
      const problem = nameProblem(name, { wildcard: false });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** Each character-string of a TXT record is a length byte plus at most 255 bytes (RFC 1035 §3.3). */
export const TxtString = z.string().superRefine((s, ctx) => {
  const bytes = utf8Length(s);
  if (bytes > 255)
    ctx.addIssue({
      code: 'custom',
      message: `a TXT string holds at most 255 bytes; this one has ${bytes}; split it into several strings`,
    });
});

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

const common = { owner: OwnerName, ttl: Ttl.optional() };
const u16 = (what: string) =>
  z
    .number()
    .int(`${what} is a whole number`)
    .min(0, `${what} is 0 to 65535`)
    .max(65_535, `${what} is 0 to 65535`);

export const ZoneRecord = z.discriminatedUnion(
  'type',
  [
    z.object({ ...common, type: z.literal('NS'), target: TargetName('an NS target') }),
    z.object({
      ...common,
      type: z.literal('A'),
      address: z.ipv4({ message: 'an A record needs an IPv4 address such as 192.0.2.1' }),
    }),
    z.object({
      ...common,
      type: z.literal('AAAA'),
      address: z.ipv6({ message: 'an AAAA record needs an IPv6 address such as 2001:db8::1' }),
    }),
    z.object({ ...common, type: z.literal('CNAME'), target: TargetName('a CNAME target') }),
    z.object({
      ...common,
      type: z.literal('MX'),
      preference: u16('an MX preference'),
      /** "." is a null MX (RFC 7505): the domain accepts no mail. */
      exchange: TargetName('an MX exchange', { root: true }),
    }),
    z.object({
      ...common,
      type: z.literal('TXT'),
      strings: z
        .array(TxtString)
        .min(1, 'a TXT record holds at least one string (it may be "")')
        .refine(
          (ss) => ss.reduce((n, s) => n + 1 + utf8Length(s), 0) <= 65_535,
          'a TXT record holds at most 65535 bytes in all',
        ),
    }),
    z.object({
      ...common,
      type: z.literal('SRV'),
      priority: u16('an SRV priority'),
      weight: u16('an SRV weight'),
      port: u16('an SRV port'),
      /** "." says the service is decidedly not available at this domain (RFC 2782). */
      target: TargetName('an SRV target', { root: true }),
    }),
    z.object({ ...common, type: z.literal('PTR'), target: TargetName('a PTR target') }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'a record type is NS, A, AAAA, CNAME, MX, TXT, SRV or PTR (push other types as zone text)'
        : undefined,
  },
);
export type ZoneRecord = z.infer<typeof ZoneRecord>;
export type RecordType = ZoneRecord['type'];

/** The responsible person: an email address, or the SOA's own dotted form (`hostmaster.example.com.`). */
export const SoaRname = z
  .string()
  .max(255)
  .superRefine((rname, ctx) => {
    const at = rname.indexOf('@');
    if (at < 0) {
      const problem = nameProblem(rname, { wildcard: false });
      if (problem) ctx.addIssue({ code: 'custom', message: `the SOA contact ${problem}` });
      return;
    }
    const [local, domain] = [rname.slice(0, at), rname.slice(at + 1)];
    if (!/^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*$/.test(local) || local.length > 63) {
      ctx.addIssue({
        code: 'custom',
        message: `the SOA contact "${rname}" is not an email address such as hostmaster@example.com`,
      });
    }
    const problem = domain === '@' ? 'has no domain' : nameProblem(domain, { wildcard: false });
    if (problem) ctx.addIssue({ code: 'custom', message: `the SOA contact's domain ${problem}` });
  });

export const Soa = z.object({
  mname: TargetName('the SOA primary name server'),
  rname: SoaRname,
  serial: z
    .number()
    .int('the SOA serial is a whole number')
    .min(0, 'the SOA serial is 0 to 4294967295')
    .max(4_294_967_295, 'the SOA serial is 0 to 4294967295'),
  refresh: Ttl,
  retry: Ttl,
  expire: Ttl,
  /** The negative-caching TTL (RFC 2308). */
  minimum: Ttl,
});
export type Soa = z.infer<typeof Soa>;

/** The zone's origin in absolute form, with its trailing dot. */
export const originOf = (zoneName: string) => (zoneName.endsWith('.') ? zoneName : `${zoneName}.`);

/** A name as written in the zone (relative, `@` or absolute) in absolute form, case kept. */
export function absoluteName(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name;
  return `${name}.${origin}`;
}

/** Whether an absolute name is the origin or below it (DNS names compare case-insensitively). */
export function isInZone(abs: string, origin: string): boolean {
  const [a, o] = [abs.toLowerCase(), origin.toLowerCase()];
  return a === o || a.endsWith(`.${o}`);
}

/** An absolute in-zone name as the zone file writes it: `@` or relative to the origin. */
export function relativeName(abs: string, origin: string): string {
  if (abs.toLowerCase() === origin.toLowerCase()) return '@';
  return abs.slice(0, abs.length - origin.length - 1);
}

/** Length of an absolute name on the wire: a length byte per label plus the root. */
const wireLength = (abs: string) => abs.length + 1;

/** An SOA contact in the dotted form of the zone file: the local part's dots are escaped. */
export function rnameToDotted(rname: string): string {
  const at = rname.indexOf('@');
  if (at < 0) return rname;
  return `${rname.slice(0, at).replaceAll('.', '\\.')}.${originOf(rname.slice(at + 1))}`;
}

/** The record's data in a canonical form, for finding duplicates (names absolute and lowercase). */
export function rdataKey(r: ZoneRecord, origin: string): string {
  const name = (n: string) => (n === '.' ? '.' : absoluteName(n, origin).toLowerCase());
  switch (r.type) {
    case 'A':
      return r.address;
    case 'AAAA':
      return expandIpv6(r.address);
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return name(r.target);
    case 'MX':
      return `${r.preference} ${name(r.exchange)}`;
    case 'SRV':
      return `${r.priority} ${r.weight} ${r.port} ${name(r.target)}`;
    case 'TXT':
      return JSON.stringify(r.strings);
  }
}

/** 2001:DB8::1 and 2001:db8:0:0:0:0:0:1 are the same address. */
function expandIpv6(address: string): string {
  const lower = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(lower);
  const text = v4
    ? lower.slice(0, v4.index) +
      [0, 2].map((i) => ((Number(v4[i + 1]) << 8) | Number(v4[i + 2])).toString(16)).join(':')
    : lower;
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** The name a record points at, and the field that holds it. */
function pointerOf(r: ZoneRecord): { field: 'target' | 'exchange'; name: string } | undefined {
  switch (r.type) {
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'SRV':
      return { field: 'target', name: r.target };
    case 'MX':
      return { field: 'exchange', name: r.exchange };
    case 'A':
    case 'AAAA':
    case 'TXT':
      return undefined;
  }
}

/**
 * One DNS zone as an IPAM pushes it. Its version travels in the config message, not here; the SOA serial
 * is the zone's own. The checks that need the whole zone are here so an admin hears of them before a
 * push, each pointing at the record it is about (`records.<i>`), and the zone files rendered from an
 * accepted zone load in BIND (named-checkzone) without errors.
 */
export const Zone = z
  .object({
    name: z
      .string()
      .max(254, 'a zone name is at most 253 characters and a trailing dot')
      .superRefine((name, ctx) => {
        const problem =
          name === '@'
            ? 'a zone name is a domain such as example.com'
            : nameProblem(name, { wildcard: false });
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** The default TTL ($TTL) of records that give none. */
    ttl: Ttl,
    soa: Soa,
    records: z.array(ZoneRecord).max(200_000),
  })
  .superRefine((zone, ctx) => {
    const origin = originOf(zone.name);
    const at = (i: number, message: string, field?: string) =>
      ctx.addIssue({ code: 'custom', path: field ? ['records', i, field] : ['records', i], message });

    /** Types present per absolute lowercase owner, with the first record index of each. */
    const byOwner = new Map<string, Map<RecordType, number>>();
    const seen = new Map<string, number>();
    const owners = zone.records.map((r) => absoluteName(r.owner, origin));

    zone.records.forEach((r, i) => {
      const abs = owners[i] ?? '';
      const key = abs.toLowerCase();
      if (!isInZone(abs, origin)) {
        at(
          i,
          `${abs} is outside the zone ${origin}: a record's owner must be ${origin} or a name below it`,
          'owner',
        );
        return;
      }
      if (wireLength(abs) > 255) {
        at(i, `${abs} is ${wireLength(abs)} octets long; a DNS name holds at most 255`, 'owner');
      }
      const pointer = pointerOf(r);
      if (pointer && pointer.name !== '.') {
        const target = absoluteName(pointer.name, origin);
        if (wireLength(target) > 255) {
          at(
            i,
            `${target} is ${wireLength(target)} octets long; a DNS name holds at most 255`,
            pointer.field,
          );
        }
      }
      if (r.type === 'CNAME' && key === origin.toLowerCase()) {
        at(
          i,
          `a CNAME cannot be at the zone apex (${origin}): the apex holds the SOA and NS records`,
          'owner',
        );
      }
      if (r.type === 'SRV') {
        const [service = '', proto = ''] = abs.split('.');
        if (!service.startsWith('_') || !proto.startsWith('_')) {
          at(i, `an SRV record's owner is _service._proto.name, such as _sip._tcp (got ${abs})`, 'owner');
        }
      }
      const dup = `${key} ${r.type} ${rdataKey(r, origin)}`;
      const first = seen.get(dup);
      if (first !== undefined) at(i, `duplicate of record ${first + 1}: same owner, type and data`);
      else seen.set(dup, i);

      const types = byOwner.get(key) ?? new Map<RecordType, number>();
      if (!types.has(r.type)) types.set(r.type, i);
      byOwner.set(key, types);
    });

    // RFC 1034 §3.6.2: an alias is the only data at its name, so a resolver never sees two answers.
    zone.records.forEach((r, i) => {
      const types = byOwner.get((owners[i] ?? '').toLowerCase());
      if (!types) return;
      if (r.type === 'CNAME' && types.get('CNAME') !== i) {
        at(i, `${owners[i]} has two CNAME records; a name can alias only one other name`);
      } else if (r.type !== 'CNAME' && types.has('CNAME')) {
        at(
          i,
          `${owners[i]} has a CNAME (record ${(types.get('CNAME') ?? 0) + 1}) and also ${r.type} data; a CNAME must be the only record at its name (RFC 1034)`,
        );
      }
    });

    const apex = byOwner.get(origin.toLowerCase());
    if (!apex?.has('NS')) {
      ctx.addIssue({
        code: 'custom',
        path: ['records'],
        message: `the zone has no NS record at its apex (@); add at least one name server for ${origin}`,
      });
    }

    const hasAddress = (name: string) => {
      const types = byOwner.get(name);
      return !!types && (types.has('A') || types.has('AAAA'));
    };
    zone.records.forEach((r, i) => {
      const pointer = pointerOf(r);
      if (!pointer || pointer.name === '.' || !['NS', 'MX', 'SRV'].includes(r.type)) return;
      const abs = absoluteName(pointer.name, origin);
      const key = abs.toLowerCase();
      if (!isInZone(abs, origin)) return;
      // RFC 2181 §10.3: NS, MX and SRV name a host; an alias there is not followed by every server.
      if (byOwner.get(key)?.has('CNAME')) {
        at(
          i,
          `the ${r.type} ${pointer.field} ${abs} is a CNAME; it must name a host with A or AAAA records (RFC 2181 §10.3)`,
          pointer.field,
        );
      } else if (r.type === 'NS' && !hasAddress(key)) {
        // Without an address here (glue below a delegation) resolvers cannot reach the server; BIND refuses
        // to load a zone whose apex name server lacks one.
        at(
          i,
          `name server ${abs} is inside this zone but has no A or AAAA record here; add one so resolvers can reach it`,
          pointer.field,
        );
      }
    });
  });
export type Zone = z.infer<typeof Zone>;
