import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import {
  loadConfigSigner,
  loadTrustedSigners,
  signConfig,
  type ConfigSigner,
} from '../../src-node/crypto/config-signature';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import { MemoryDhcp, MemoryDns, MemoryStore, noFaults } from '../targets/memory';
import { ConfigApplier } from './config-apply';
import { Ledger } from './ledger';
import { SignatureVerifier } from './signature-verifier';

const RID = 'r-0001';
let dir = '';
let signer: ConfigSigner;
let verifier: SignatureVerifier;
let ledger: Ledger;
let dns: MemoryDns;
let applier: ConfigApplier;
let results: Body<'result'>[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-verifier-'));
  const files = await selfSignedCert(dir, 'signer');
  signer = await loadConfigSigner(files);
  verifier = new SignatureVerifier(RID, await loadTrustedSigners([files.certFile]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  ledger = Ledger.inMemory();
  const store = await MemoryStore.open();
  dns = new MemoryDns(store, noFaults());
  applier = new ConfigApplier({
    ledger,
    dns,
    dhcp: new MemoryDhcp(store, noFaults()),
    verifier,
    deliveredAfterMs: 0,
  });
  results = [];
});

const zoneText = (serial: number) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n`;
const unsigned = (version: number): Envelope<'config'> =>
  makeEnvelope('config', 'console-1', {
    pushId: crypto.randomUUID(),
    object: { kind: 'zone', name: 'example.test' },
    version,
    op: 'upsert',
    payload: { format: 'zone-text', text: zoneText(version) },
  });
const signed = (version: number, rid = RID): Envelope<'config'> => {
  const env = unsigned(version);
  return { ...env, body: signConfig(signer, rid, env.id, env.body) };
};
/** One message through, its results reported. */
const handle = async (env: Envelope<'config'>) => {
  const { reported } = await applier.handle(env, async (r) => void results.push(r));
  await reported;
};

describe('SignatureVerifier in the config pipeline', () => {
  it('applies a config signed for this remote by a trusted signer', async () => {
    await handle(signed(1));
    expect(results.map((r) => r.state)).toEqual(['delivered', 'applied']);
    expect(await dns.servedZone('example.test')).toBe(zoneText(1));
  });

  it('refuses an unsigned config without recording it, and refuses a redelivery the same way', async () => {
    const env = unsigned(1);
    await handle(env);
    expect(results).toEqual([expect.objectContaining({ state: 'failed', reason: 'config is not signed' })]);
    expect(ledger.get(env.id)).toBeUndefined();
    results = [];
    await handle(env);
    expect(results).toEqual([expect.objectContaining({ state: 'failed', reason: 'config is not signed' })]);
    await expect(dns.servedZone('example.test')).rejects.toThrow(/not served/);
  });

  it('applies the genuine message after a forgery injected under its id was refused', async () => {
    const genuine = signed(2);
    await handle({ ...genuine, body: { ...genuine.body, signature: undefined } });
    results = [];
    await handle(genuine);
    expect(results.map((r) => r.state)).toEqual(['delivered', 'applied']);
    expect(await dns.servedZone('example.test')).toBe(zoneText(2));
  });

  it('refuses a config signed for another remote', async () => {
    await handle(signed(1, 'r-0002'));
    expect(results.at(-1)).toMatchObject({ state: 'failed', reason: 'signature does not match the payload' });
    await expect(dns.servedZone('example.test')).rejects.toThrow(/not served/);
  });

  it('refuses an unsigned older version as unsigned, not as superseded', async () => {
    await handle(signed(5));
    results = [];
    await handle(unsigned(3));
    expect(results.map((r) => [r.state, r.reason])).toEqual([['failed', 'config is not signed']]);
    expect(await dns.servedZone('example.test')).toBe(zoneText(5));
  });

  it('refuses everything once the signer certificate has expired', async () => {
    const later = new SignatureVerifier(
      RID,
      await loadTrustedSigners([join(dir, 'signer.crt')]),
      () => new Date(Date.now() + 3 * 86_400_000),
    );
    const refusing = new ConfigApplier({ ledger, dns, verifier: later });
    await refusing.handle(signed(1), async (r) => void results.push(r));
    expect(results.at(-1)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/expired on/) });
  });
});
