import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../../src-node/testing/self-signed';
import { certFindings } from './findings';
import { makeEnvelope } from '../../../src-shared/protocol';
import { FleetModel } from '../fleet-model';
import { helloBody } from '../testing/hello';
import { brokerCertFacts, fleetCertFacts, profileCertFacts } from './profile-certs';

const dir = mkdtempSync(join(tmpdir(), 'smt-alert-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('certificate facts', () => {
  it("reads the console's certificate from the profile's files, skipping one that does not read", async () => {
    const { certFile, keyFile } = await selfSignedCert(dir, 'console');
    let t = Date.now();
    const facts = profileCertFacts({ certFile, keyFile, caFile: join(dir, 'missing.crt') }, () => t);
    const [console, ...rest] = facts();
    expect(rest).toEqual([]);
    expect(console).toMatchObject({ subject: 'console', remoteId: null, source: certFile });
    // openssl -days 2: expires within two days, so the 30-day rule sees 1 or 2 days left.
    const [finding] = certFindings(facts(), t);
    expect(finding).toMatchObject({ rule: 'cert-expiry', subject: 'cert:console' });
    expect(finding?.obs).toMatchObject({ kind: 'value', value: expect.any(Number) });
    expect(finding?.obs.kind === 'value' && finding.obs.value).toBeLessThanOrEqual(2);
    // Read again only after an hour: a renewed file is noticed without a restart.
    rmSync(certFile);
    expect(facts()).toHaveLength(1);
    t += 3_600_000;
    expect(facts()).toEqual([]);
  });

  it('lists no broker this process never reached', () => {
    expect(brokerCertFacts([{ name: 'primary', host: '203.0.113.9', port: 61614 }])()).toEqual([]);
  });

  it("lists each remote's certificate as its latest hello says, and none for a remote that does not say", () => {
    const cert = { notAfter: 5 * 86_400_000, subject: 'CN=r1', serial: '0a', sha256: 'b'.repeat(64) };
    const m = new FleetModel();
    const facts = fleetCertFacts(m);
    m.apply(makeEnvelope('hello', 'r1', helloBody('r1', { cert })), 0);
    m.apply(makeEnvelope('hello', 'r2', helloBody('r2')), 0);
    // A remembered remote's stored hello counts until it speaks.
    m.remember('r3', helloBody('r3', { cert: { ...cert, notAfter: 9 } }), 0);
    expect(facts()).toEqual([
      { subject: 'r1', remoteId: 'r1', notAfter: 5 * 86_400_000, source: "the remote's hello" },
      { subject: 'r3', remoteId: 'r3', notAfter: 9, source: "the remote's hello" },
    ]);
    expect(m.cert('r1')).toEqual(cert);
    expect(m.get('r1')?.certNotAfter).toBe(5 * 86_400_000);
    expect(certFindings(facts(), 0)[0]).toMatchObject({
      rule: 'cert-expiry',
      subject: 'cert:r1',
      remoteId: 'r1',
      obs: { kind: 'value', value: 5 },
    });
    // A later hello without the field (an older agent put back) drops the date it no longer vouches for.
    m.apply(makeEnvelope('hello', 'r1', helloBody('r1')), 1);
    expect(facts().map((f) => f.remoteId)).toEqual(['r3']);
    expect(m.get('r1')).not.toHaveProperty('certNotAfter');
    expect(m.cert('r1')).toBeUndefined();
  });

  it('says an expired certificate expired', () => {
    const [f] = certFindings(
      [{ subject: 'ca', remoteId: null, notAfter: 0, source: 'ca.pem' }],
      5 * 86_400_000,
    );
    expect(f?.message).toMatch(/expired on 1970-01-01/);
  });
});
