import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TlsFiles } from '../../../src-shared/profile';
import type { CertFact, CertFacts } from './facts';

/** Certificates change on disk rarely (a renewal); reading them hourly notices one without a restart. */
const REREAD_MS = 3_600_000;

/**
 * The console's own certificate and its CA from the profile's TLS files. A file that does not read is
 * left out (the core refuses to connect with it anyway, and says why). The brokers' and remotes'
 * certificates are not here: see docs/alerts.md, "Limits".
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
