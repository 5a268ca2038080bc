import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrokerEndpoint, TlsFiles } from '../../../src-shared/profile';
import { brokerCertNotAfter } from '../../../src-node/smt/tls-transport';
import type { FleetModel } from '../fleet-model';
import type { CertFact, CertFacts } from './facts';

/** Certificates change on disk rarely (a renewal); reading them hourly notices one without a restart. */
const REREAD_MS = 3_600_000;

/**
 * The console's own certificate and its CA from the profile's TLS files. A file that does not read is
 * left out (the core refuses to connect with it anyway, and says why). The remotes' are fleetCertFacts'.
 */
export function profileCertFacts(tls: TlsFiles, now: () => number = Date.now): CertFacts {
  let cached: { at: number; facts: CertFact[] } | undefined;
  const read = (subject: string, file: string): CertFact[] => {
    try {
      const x = new X509Certificate(readFileSync(file));
      return [{ subject, remoteId: null, notAfter: Date.parse(x.validTo), source: file }];
    } catch {
      return [];
    }
  };
  return () => {
    const t = now();
    if (cached === undefined || t - cached.at >= REREAD_MS) {
      cached = { at: t, facts: [...read('console', tls.certFile), ...read('ca', tls.caFile)] };
    }
    return cached.facts;
  };
}

/**
 * The certificates the profile's brokers presented in this process's TLS sessions (tls-transport.ts); a
 * broker never reached this run is not listed.
 */
export function brokerCertFacts(brokers: readonly BrokerEndpoint[]): CertFacts {
  return () =>
    brokers.flatMap((b) => {
      const notAfter = brokerCertNotAfter(b);
      return notAfter === undefined
        ? []
        : [
            {
              subject: `broker:${b.name}`,
              remoteId: null,
              notAfter,
              source: `TLS session with ${b.host}:${b.port}`,
            },
          ];
    });
}

/**
 * The remotes' own client certificates, as each agent's hello reports them (the broker terminates TLS, so
 * the console never sees them itself): a remote whose agent does not say is not listed.
 */
export function fleetCertFacts(fleet: Pick<FleetModel, 'certs'>): CertFacts {
  return () =>
    fleet.certs().map((c) => ({
      subject: c.remoteId,
      remoteId: c.remoteId,
      notAfter: c.notAfter,
      source: "the remote's hello",
    }));
}

/** Several providers as one. */
export const allCerts =
  (...providers: CertFacts[]): CertFacts =>
  () =>
    providers.flatMap((p) => p());
