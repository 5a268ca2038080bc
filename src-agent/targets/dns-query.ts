import { runTool } from './run-tool';

/** Record types a lookup from the remote may ask for (the query channel's list). */
export const LOOKUP_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;

const DNS_NAME = /^(?=.{1,254}$)([A-Za-z0-9_*-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/;

export interface DnsServer {
  address: string;
  port: number;
  /** Path of dig; default 'dig'. */
  dig?: string;
  timeoutMs: number;
}

/**
 * Asks one server directly (no recursion, no cache in between) with dig, so what comes back is what
 * that named serves right now. Answers in dig's +short presentation, one record a line.
 */
export async function digShort(server: DnsServer, name: string, rrtype: string): Promise<string[]> {
  if (!DNS_NAME.test(name)) throw new Error(`'${name}' is not a DNS name`);
  if (!(LOOKUP_TYPES as readonly string[]).includes(rrtype.toUpperCase())) {
    throw new Error(`record type '${rrtype}' is not one of ${LOOKUP_TYPES.join(', ')}`);
  }
  const tries = Math.max(1, Math.floor(server.timeoutMs / 2000));
  const r = await runTool(
    server.dig ?? 'dig',
    [
      `@${server.address}`,
      '-p',
      String(server.port),
      '+short',
      '+norecurse',
      '+time=2',
      `+tries=${tries}`,
      name,
      rrtype.toUpperCase(),
    ],
    server.timeoutMs + 1000,
  );
  // dig prints ";; communications error" / ";; connection timed out" on stdout with exit 9.
  if (r.code !== 0)
    throw new Error(`dig ${name} ${rrtype}: ${(r.stdout + r.stderr).trim() || `exit ${r.code}`}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith(';'));
}

/** The SOA serial the server answers for a zone, or undefined when it does not answer for it. */
export async function servedSerial(server: DnsServer, zone: string): Promise<number | undefined> {
  const [soa] = await digShort(server, zone, 'SOA');
  const serial = soa?.split(/\s+/)[2];
  return serial === undefined || !/^\d+$/.test(serial) ? undefined : Number(serial);
}
