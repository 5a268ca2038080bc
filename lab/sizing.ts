import { readFile } from 'node:fs/promises';

/**
 * What a broker needs for the fleet it serves, from what was measured on ActiveMQ 5.17 (Debian, Serial GC,
 * STOMP over mutual TLS on stomp+nio+ssl; docs/broker.md, "Sizing"): the old generation kept 12 MB after a
 * full collection with no client, 165 MB with 1,000 simulated remotes and a console at the agents' default
 * intervals, 331 MB with 2,000: about 160 KB a connected remote (TLS engine buffers, the STOMP transport,
 * a consumer per queue). Descriptors: 85 with no client, one more a connection.
 */
export const BROKER_LIVE_BASE_MB = 16;
export const BROKER_LIVE_PER_REMOTE_MB = 0.16;
/**
 * The heap is three times the live set: Serial GC gives the old generation two thirds of the heap, so the
 * live set fills half of it and a failover's reconnect burst or a push's backlog has the other half. At
 * 256 MB and 1,000 remotes (live 176 MB of a 170 MB old generation) the broker did little but collect.
 */
export const BROKER_HEAP_HEADROOM = 3;
/** The lab's default heap, enough for the tests' fleets of up to about 400 remotes. */
export const BROKER_MIN_HEAP_MB = 256;
const FDS_BASE = 100;
const FDS_PER_REMOTE = 1.1;

const roundUp = (mb: number, step: number) => Math.ceil(mb / step) * step;

/** The -Xmx, in MB, for a broker that holds `remotes` connected remotes (a multiple of 64). */
export function brokerHeapMb(remotes: number): number {
  const live = BROKER_LIVE_BASE_MB + BROKER_LIVE_PER_REMOTE_MB * Math.max(0, remotes);
  return Math.max(BROKER_MIN_HEAP_MB, roundUp(live * BROKER_HEAP_HEADROOM, 64));
}

/** The open-file limit a broker needs for `remotes` connections, with room for its store and jars. */
export function brokerFileLimit(remotes: number): number {
  return roundUp(FDS_BASE + FDS_PER_REMOTE * Math.max(0, remotes), 1024);
}

/** The -Xmx of a running Java process in MB, from its command line; undefined when it names none. */
export async function javaHeapMbOf(pid: number): Promise<number | undefined> {
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const xmx = args.map((a) => /^-Xmx(\d+)([kmg])$/i.exec(a)).find((m) => m !== null);
  if (!xmx) return undefined;
  const n = Number(xmx[1]);
  const unit = (xmx[2] as string).toLowerCase();
  return unit === 'g' ? n * 1024 : unit === 'k' ? Math.floor(n / 1024) : n;
}

/**
 * The largest fleet `npm run demo` accepts: brokers, simulator and console all on one machine of the
 * project's kind (2 cores). Measured (docs/broker.md, "Sizing"): 2,000 held, console and every remote
 * connected, old generation 53 % full, GC at most 7 %. At 5,000 the heap held (47 % after collecting) but
 * the CPU did not: the broker took a core alone, the console lost its session 33 s into the soak (the
 * broker went quiet, `loopHeldMs=172`) and could not open another within 10 s.
 */
export const DEMO_MAX_REMOTES = 2000;
