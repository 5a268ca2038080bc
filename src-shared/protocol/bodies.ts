import { z } from 'zod';
import { DhcpScope } from '../config/scope';
import { MessageId, RemoteId } from './ids';
import { LeaseFindQuery } from './lease-find';

const Text = (max: number) => z.string().max(max);
const Count = z.number().int().nonnegative();
const Bytes = z.number().nonnegative();
const Percent = z.number().min(0).max(100);
const EpochMs = z.number().int().nonnegative();
const Ipv4OrV6 = z.union([z.ipv4(), z.ipv6()]);

/** The services whose state an IPAM shows for a DDI remote (design.md §1). */
export const ServiceName = z.enum(['named', 'kea-dhcp4', 'kea-dhcp6', 'bgpd', 'zebra', 'ospfd']);
export type ServiceName = z.infer<typeof ServiceName>;

/** What a configuration message is about: one DNS zone or one DHCPv4 scope, named stably. */
export const ConfigObject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('zone'), name: Text(253).regex(/^[A-Za-z0-9._-]+\.?$/, 'a DNS zone name') }),
  z.object({ kind: z.literal('scope'), subnet: z.cidrv4() }),
]);

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash in lower-case hex');

export const ConfigPayload = z.discriminatedUnion('format', [
  z.object({ format: z.literal('zone-text'), text: Text(4_000_000) }),
  z.object({ format: z.literal('kea-subnet4'), scope: DhcpScope }),
]);

export const Signature = z.object({
  alg: z.enum(['ES256', 'Ed25519']),
  /** SHA-256 fingerprint of the signer's certificate, hex. */
  signer: z.string().regex(/^[0-9a-f]{64}$/),
  value: z.base64(),
});

export const ConfigBody = z.object({
  pushId: MessageId,
  object: ConfigObject,
  /** Monotonic per object: an agent never applies a version older than the one it has applied. */
  version: z.number().int().positive(),
  op: z.enum(['upsert', 'delete']),
  payload: ConfigPayload.optional(),
  signature: Signature.optional(),
});

export const CommandBody = z.object({
  action: z.enum(['reload', 'restart', 'flush-cache']),
  service: ServiceName,
});

/** The record types a remote's named is asked for with the `lookup` query (and find a name). */
const LOOKUP_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export const LookupRrtype = z.enum(LOOKUP_TYPES, {
  message: `a record type to look up is one of ${LOOKUP_TYPES.join(', ')}`,
});
export type LookupRrtype = z.infer<typeof LookupRrtype>;

export const QueryBody = z.discriminatedUnion('query', [
  z.object({ query: z.literal('ping') }),
  /** Asks a remote to answer with its hello body: a console that restarted learns the fleet again. */
  z.object({ query: z.literal('hello') }),
  z.object({ query: z.literal('zone'), name: Text(253) }),
  /**
   * What the remote serves now for one zone or scope, for a push preview; answered with a ServedConfig.
   * With `unlessSha256`, a remote whose served text hashes to it leaves the text out: a fleet that
   * already serves what the console proposes answers with a hash, not with the whole zone.
   */
  z.object({ query: z.literal('config'), object: ConfigObject, unlessSha256: Sha256Hex.optional() }),
  /** The remote's served inventory now (a ServedBody), for a console that needs it fresh (`smt drift`). */
  z.object({ query: z.literal('served') }),
  z.object({ query: z.literal('kea-config') }),
  z.object({ query: z.literal('leases'), subnet: z.cidrv4() }),
  z.object({
    query: z.literal('lookup'),
    name: Text(253),
    rrtype: LookupRrtype,
  }),
  /** Lease search (lease-find.ts): the leases matching one IP, MAC, client id or hostname; a FoundLeases. */
  LeaseFindQuery,
]);

export const BroadcastBody = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('ca-bundle'), pem: Text(1_000_000) }),
  z.object({
    topic: z.literal('fleet-settings'),
    statsIntervalMs: z.number().int().min(1000).max(600_000).optional(),
    presenceIntervalMs: z.number().int().min(500).max(60_000).optional(),
  }),
]);

export const ResultState = z.enum(['delivered', 'applied', 'failed', 'superseded', 'rolled-back']);
export const ResultBody = z.object({
  /** The smt-id of the config or command message this result is about. */
  ref: MessageId,
  pushId: MessageId.optional(),
  state: ResultState,
  object: ConfigObject.optional(),
  version: z.number().int().positive().optional(),
  /** SHA-256 of what the remote serves after applying, hex. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  reason: Text(8_000).optional(),
});

export const ReplyBody = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.json() }),
  z.object({ ok: z.literal(false), error: Text(8_000) }),
]);

/**
 * The data of a reply to the `config` query. `text` is the comparable text form of what is served: a
 * zone's installed zone file as it was pushed, or a scope as renderScope (src-shared/config) writes it.
 */
export const ServedConfig = z.object({
  object: ConfigObject,
  served: z.boolean(),
  /** The version last applied for this object, from the remote's ledger (a delete too); null if none. */
  version: z.number().int().positive().nullable(),
  /** Null when not served, or when its hash equals the query's `unlessSha256`. */
  text: Text(4_000_000).nullable(),
  /** SHA-256 (hex) of the served text; null when not served. */
  sha256: Sha256Hex.nullable(),
});
export type ServedConfig = z.infer<typeof ServedConfig>;

/** At most this many objects in one served inventory: about 200 bytes each, under the 1 MiB frame limit. */
export const MAX_SERVED_OBJECTS = 4000;

/** One zone or scope a remote serves, as its served inventory reports it. */
export const ServedObject = z.object({
  object: ConfigObject,
  /** The version last applied for this object through SMT, from the remote's ledger; null if none. */
  version: z.number().int().positive().nullable(),
  /** Zones: the SOA serial the server answers with now; absent when it does not answer for the zone. */
  serial: z.number().int().nonnegative().max(4_294_967_295).optional(),
  /**
   * SHA-256 (hex) of the comparable text (ServedConfig's `text`: the zone file, or the scope as renderScope
   * writes it); null when the agent cannot read the text (a zone named.conf loads from another file).
   */
  sha256: Sha256Hex.nullable(),
  /** When this agent first saw the object served with this hash (epoch ms, the remote's clock). */
  since: EpochMs,
});
export type ServedObject = z.infer<typeof ServedObject>;

/**
 * Everything a remote serves, sent whole (never a delta) on every connect and whenever it changes: a
 * console keeps the newest per remote (envelope `ts`, then `seq`) and compares it with what it intends.
 */
export const ServedBody = z.object({
  /** Counts up with each inventory this agent process sends (from 1 after a restart). */
  seq: Count,
  /**
   * Each service the agent manages and whether it could be read. The objects of an unreadable one are
   * not in `objects` and are unknown, not gone: a console shows them as such, not as missing.
   */
  sources: z
    .array(
      z.object({
        service: z.enum(['named', 'kea-dhcp4']),
        readable: z.boolean(),
        error: Text(2_000).optional(),
      }),
    )
    .max(4),
  objects: z.array(ServedObject).max(MAX_SERVED_OBJECTS),
  /** More objects are served than one inventory carries: `objects` holds the first, by kind and name. */
  truncated: z.boolean(),
});

export const HostInfo = z.object({
  hostname: Text(253),
  ips: z.array(Ipv4OrV6).max(64),
  serviceTag: Text(128),
  os: Text(256),
  kernel: Text(256),
});

// --- issue 17, remote certificates: the agent's own client certificate, for the cert-expiry alert ---

/**
 * The certificate an agent connects with, as it loaded it at start: a console cannot see a remote's
 * client certificate (the broker terminates TLS), so the agent says what it is and when it expires.
 */
export const HelloCert = z.object({
  /** The certificate's last valid instant (its notAfter), epoch ms. */
  notAfter: EpochMs,
  /** The subject as Node prints it (`CN=r-0001`, one attribute a line). */
  subject: Text(1024),
  /** The serial number, hex as the certificate holds it (at most 20 octets, RFC 5280). */
  serial: z.string().regex(/^[0-9A-Fa-f]{1,40}$/, 'a certificate serial number in hex, at most 20 octets'),
  /** SHA-256 of the certificate's DER, lower-case hex (as a signature names its signer). */
  sha256: Sha256Hex,
});
export type HelloCert = z.infer<typeof HelloCert>;

// --- end issue 17, remote certificates ---

export const HelloBody = z.object({
  agent: z.object({ version: Text(64), mode: z.enum(['real', 'simulated']) }),
  host: HostInfo,
  capabilities: z.array(z.enum(['dns', 'dhcp4', 'dhcp6', 'routing'])).max(8),
  tags: z.array(Text(64)).max(64),
  statsIntervalMs: z.number().int().positive(),
  presenceIntervalMs: z.number().int().positive(),
  /** Issue 17: the agent's client certificate; absent from older agents and from the Python peer. */
  cert: HelloCert.optional(),
});

export const ProcessState = z.object({
  name: ServiceName,
  running: z.boolean(),
  pid: z.number().int().positive().optional(),
  /** Seconds since the process started, when it runs. */
  uptimeS: Count.optional(),
  rssBytes: Bytes.optional(),
});

export const StatsBody = z.object({
  seq: Count,
  /** The remote's own clock, ISO 8601 with its UTC offset, as an IPAM shows "time on the system". */
  localTime: Text(40),
  uptimeS: Count,
  load: z.tuple([z.number().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]),
  cpuPct: Percent,
  mem: z.object({ usedBytes: Bytes, totalBytes: Bytes }),
  disk: z.object({ usedBytes: Bytes, totalBytes: Bytes }),
  processes: z.array(ProcessState).max(32),
});

export const PresenceBody = z.object({
  state: z.enum(['online', 'offline']),
  /** The sender's heartbeat interval: a console marks it offline after a few of them pass in silence. */
  intervalMs: z.number().int().positive(),
  seq: Count,
});

// --- issue 17, DHCP pools: Kea's own per-subnet (and, from Kea 2.4, per-pool) address counters ---

/** Kea's address counters for one subnet or pool; `declined` addresses are counted in `assigned` too. */
const AddressCounts = z.object({ total: Count, assigned: Count, declined: Count });

/** The most subnets one usage message carries: a remote with more reports its fullest (see docs/dhcp.md). */
export const MAX_USAGE_SUBNETS = 256;
/** The most pool rows over all subnets of one message: with 256 subnets, well under the 1 MiB frame limit. */
export const MAX_USAGE_POOLS = 1024;

export const SubnetUsage = AddressCounts.extend({
  /** Kea's subnet id. */
  id: z.number().int().positive(),
  /** The subnet's prefix, as the scope model spells it; absent when Kea's config did not name it. */
  subnet: z.cidrv4().optional(),
  /** Per pool, in Kea's order, where Kea reports pool statistics (2.4+; Debian 12's 2.2 does not). */
  pools: z
    .array(AddressCounts.extend({ index: z.number().int().nonnegative(), range: Text(64).optional() }))
    .max(64)
    .optional(),
});
export type SubnetUsage = z.infer<typeof SubnetUsage>;

// --- end issue 17, DHCP pools ---

// --- issue 17, Kea high availability: the HA hook's status-get, per relationship (docs/dhcp.md, "HA") ---

/** Kea's names (server, state, role, scope) are short words; bounded so a broken Kea cannot bloat a frame. */
const HaName = Text(64).min(1);

export const HaRelationship = z.object({
  /** Kea's `mode`: hot-standby, load-balancing, passive-backup. */
  mode: HaName,
  /** Every peer of the relationship as the hook's config lists them (the same list on both sides). */
  peers: z.array(z.object({ name: HaName, url: Text(256), role: HaName })).max(8),
  /** This server: its `this-server-name`, role and state and the scopes it serves now. */
  server: z.object({ name: HaName, role: HaName, state: HaName, scopes: z.array(HaName).max(8) }),
  /** What this server knows of its partner (status-get's `remote`); absent where Kea reports none. */
  partner: z
    .object({
      name: HaName,
      role: HaName,
      /** The partner's state at the last heartbeat (`unavailable` once it stopped answering). */
      lastState: HaName,
      lastScopes: z.array(HaName).max(8),
      communicationInterrupted: z.boolean(),
      /** Seconds since the last heartbeat answer, as Kea counts them. */
      ageS: Count,
      connectingClients: Count,
      unackedClients: Count,
    })
    .optional(),
});
export type HaRelationship = z.infer<typeof HaRelationship>;

/**
 * A Kea that loads the HA hook reports its relationships; one whose status-get fails reports why, never
 * a guess. A Kea without the hook reports no `ha` at all.
 */
export const HaStatus = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reported'), relationships: z.array(HaRelationship).max(4) }),
  z.object({ kind: z.literal('unreadable'), reason: Text(500) }),
]);
export type HaStatus = z.infer<typeof HaStatus>;

// --- end issue 17, Kea high availability ---

export const UsageBody = z.object({
  windowS: z.number().positive(),
  dns: z.object({ qps: z.number().nonnegative(), queries: Count }).optional(),
  dhcp: z
    .object({
      leasesActive: Count,
      leasesAllocated: Count,
      declines: Count.optional(),
      /** issue 17: per subnet, so the console can show each pool's utilisation and forecast. */
      subnets: z
        .array(SubnetUsage)
        .max(MAX_USAGE_SUBNETS)
        .refine((list) => list.reduce((n, s) => n + (s.pools?.length ?? 0), 0) <= MAX_USAGE_POOLS, {
          message: `at most ${MAX_USAGE_POOLS} pool rows in one message`,
        })
        .optional(),
    })
    .optional(),
  /** issue 17: Kea's HA state, beside (not inside) `dhcp`, so a Kea that stopped answering still says so. */
  ha: HaStatus.optional(),
});

export const EventBody = z.object({
  severity: z.enum(['info', 'warning', 'critical']),
  code: Text(64),
  message: Text(2_000),
  service: ServiceName.optional(),
  at: EpochMs.optional(),
});

export const LogBody = z.object({
  service: ServiceName,
  lines: z.array(z.object({ ts: EpochMs, text: Text(4_000) })).max(1_000),
});

export { RemoteId };
