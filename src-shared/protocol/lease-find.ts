import { z } from 'zod';

/**
 * Lease search (docs/dhcp.md, "Lease search"): the `lease-find` query asks a DHCP remote for its leases
 * matching one IP address, MAC address, client id or hostname. Values travel in one canonical form
 * (lower case, colon-separated hex) so a remote compares them as Kea stores them; `leaseFindOf` turns what
 * an admin types into that form or says exactly what is wrong with it.
 */
export const LeaseFindBy = z.enum(['ip', 'mac', 'client-id', 'hostname']);
export type LeaseFindBy = z.infer<typeof LeaseFindBy>;

const HEX_BYTE = '[0-9a-f]{2}';
export const LeaseMac = z
  .string()
  .regex(
    new RegExp(`^(${HEX_BYTE}:){5}${HEX_BYTE}$`),
    'a MAC address in lower case, such as 52:54:00:12:34:56',
  );
/** DHCP option 61: a type byte and at least one more, at most 255 bytes (Kea's limit too). */
export const LeaseClientId = z
  .string()
  .regex(
    new RegExp(`^(${HEX_BYTE}:){1,254}${HEX_BYTE}$`),
    'a client id as lower-case hex bytes separated by colons, such as 01:52:54:00:12:34:56',
  );
/** RFC 1123 host names, lower case, no trailing dot: how Kea keeps a lease's hostname. */
export const LeaseHostname = z
  .string()
  .max(253)
  .regex(
    /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/,
    'a host name: dot-separated labels of letters, digits and hyphens',
  );

export const LeaseFindQuery = z.discriminatedUnion('by', [
  z.object({ query: z.literal('lease-find'), by: z.literal('ip'), value: z.ipv4() }),
  z.object({ query: z.literal('lease-find'), by: z.literal('mac'), value: LeaseMac }),
  z.object({ query: z.literal('lease-find'), by: z.literal('client-id'), value: LeaseClientId }),
  z.object({ query: z.literal('lease-find'), by: z.literal('hostname'), value: LeaseHostname }),
]);
export type LeaseFindQuery = z.infer<typeof LeaseFindQuery>;

/** Kea's lease states (lease4 `state`), by name. */
export const LeaseState = z.enum(['default', 'declined', 'expired-reclaimed']);

/** One lease as a remote reports it in answer to `lease-find`, whatever its DHCP server. */
export const FoundLease = z.object({
  ipAddress: z.ipv4(),
  /** As the server keeps it (lower-case hex bytes); not always six bytes (InfiniBand, hardware type 32). */
  hwAddress: z.string().max(200).nullable(),
  clientId: z.string().max(800).nullable(),
  /** What the client sent or the server made up: not checked against host name rules, only bounded. */
  hostname: z.string().max(255).nullable(),
  /** The subnet in CIDR form when the server still runs it; null when it no longer does. */
  subnet: z.cidrv4().nullable(),
  subnetId: z.number().int().nonnegative().nullable(),
  state: LeaseState,
  /** When the lease ends on the remote's clock, ms since the epoch; null when the server did not say. */
  expiresAt: z.number().int().nonnegative().nullable(),
});
export type FoundLease = z.infer<typeof FoundLease>;

/** At most this many leases in one answer: a hostname many clients share must not fill a frame. */
export const MAX_FOUND_LEASES = 500;

/** The data of a reply to `lease-find`; `truncated` when the remote had more than MAX_FOUND_LEASES. */
export const FoundLeases = z.object({
  leases: z.array(FoundLease).max(MAX_FOUND_LEASES),
  truncated: z.boolean(),
});
export type FoundLeases = z.infer<typeof FoundLeases>;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Bytes of a hex string written with `:`, `-` or `.` between groups, or none; undefined if not hex. */
function hexBytes(text: string): { bytes: string[] } | { bad: string } {
  const groups = text.split(/[:.-]/);
  if (groups.length === 1 || text.includes('.')) {
    // 525400123456 or Cisco's 5254.0012.3456: the digits are read two at a time.
    const digits = groups.join('');
    if (!/^[0-9a-f]*$/.test(digits) || digits.length % 2 !== 0) return { bad: text };
    return { bytes: digits.match(/../g) ?? [] };
  }
  const bad = groups.find((g) => !/^[0-9a-f]{1,2}$/.test(g));
  if (bad !== undefined) return { bad };
  return { bytes: groups.map((g) => g.padStart(2, '0')) };
}

/** Anything with a colon is taken as a MAC so a mistyped one is told what is wrong with it as a MAC. */
function guessKind(text: string): LeaseFindBy {
  if (IPV4.test(text)) return 'ip';
  if (/^[0-9a-f]{1,2}([:-][0-9a-f]{1,2})+$/.test(text))
    return text.split(/[:-]/).length === 6 ? 'mac' : 'client-id';
  if (text.includes(':') || /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(text)) return 'mac';
  return 'hostname';
}

export type LeaseFindParse = { ok: true; query: LeaseFindQuery } | { ok: false; error: string };

/**
 * What an admin typed, as a `lease-find` query. Without `by`, the kind is read off the value: an IPv4
 * address, six hex bytes (a MAC), more or fewer hex bytes with separators (a client id), else a hostname.
 * Every refusal names the value and what it should look like.
 */
export function leaseFindOf(input: string, by?: LeaseFindBy): LeaseFindParse {
  const text = input.trim().toLowerCase();
  if (text === '')
    return { ok: false, error: 'Type an IP address, MAC address, client id or hostname to search for.' };
  const kind: LeaseFindBy = by ?? guessKind(text);
  const refuse = (what: string) => ({ ok: false as const, error: `"${input.trim()}" is not ${what}` });
  switch (kind) {
    case 'ip': {
      const ip = z.ipv4().safeParse(text);
      return ip.success
        ? { ok: true, query: { query: 'lease-find', by: 'ip', value: ip.data } }
        : refuse('an IPv4 address such as 192.0.2.10');
    }
    case 'mac': {
      const hex = hexBytes(text);
      if ('bad' in hex)
        return refuse(`a MAC address: "${hex.bad}" is not a hex byte (write it as 52:54:00:12:34:56)`);
      if (hex.bytes.length !== 6) {
        return refuse(
          `a MAC address: it has ${hex.bytes.length} bytes, a MAC has 6 (such as 52:54:00:12:34:56)`,
        );
      }
      return { ok: true, query: { query: 'lease-find', by: 'mac', value: hex.bytes.join(':') } };
    }
    case 'client-id': {
      const hex = hexBytes(text);
      if ('bad' in hex)
        return refuse(`a client id: "${hex.bad}" is not a hex byte (write it as 01:52:54:00:12:34:56)`);
      const id = LeaseClientId.safeParse(hex.bytes.join(':'));
      return id.success
        ? { ok: true, query: { query: 'lease-find', by: 'client-id', value: id.data } }
        : refuse('a client id: it takes 2 to 255 hex bytes, such as 01:52:54:00:12:34:56');
    }
    case 'hostname': {
      const name = LeaseHostname.safeParse(text.replace(/\.$/, ''));
      return name.success
        ? { ok: true, query: { query: 'lease-find', by: 'hostname', value: name.data } }
        : refuse(
            'a host name: dot-separated labels of letters, digits and hyphens, at most 63 characters each',
          );
    }
  }
}
