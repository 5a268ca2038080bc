/**
 * What the alert evaluator learns from other parts of the console through a provider (docs/alerts.md,
 * "Providers"): each is called on every evaluation, must answer quickly from memory, and defaults to
 * none. A provider that throws is logged and skipped for that round.
 */

/** One DHCP subnet (or pool) as the pools' view knows it. */
export interface PoolFact {
  remoteId: string;
  /** The subnet's CIDR (or a pool's range): the alert's subject is `scope:<subnet>@<remoteId>`. */
  subnet: string;
  utilisationPct: number;
  /**
   * Hours until exhausted at the last 24 h's rate; null when not filling up; absent while the trend is
   * not read yet, which neither fires nor resolves an exhaustion alert.
   */
  exhaustionInH?: number | null;
}
export type PoolFacts = () => readonly PoolFact[];

/** One Kea HA relationship as seen from one of its servers. */
export interface HaFact {
  remoteId: string;
  /** Names the pair, e.g. `ha:<relationship>@<remoteId>`. */
  subject: string;
  /** False: the partner is down, or the pair disagrees. */
  healthy: boolean;
  /** What is wrong (or right), for the alert's message. */
  detail: string;
}
export type HaFacts = () => readonly HaFact[];

/** One certificate's expiry. */
export interface CertFact {
  /** `console`, `ca`, `broker:<name>`, a remote id …: the alert's subject is `cert:<subject>`. */
  subject: string;
  remoteId: string | null;
  notAfter: number;
  /** Where it comes from, for the message (a file, a TLS session). */
  source: string;
}
export type CertFacts = () => readonly CertFact[];

export const noFacts = (): readonly never[] => [];
