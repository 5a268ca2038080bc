/**
 * Signed configuration through real brokers: a config the console core signs is applied; copies a
 * broker-side intruder injects straight into the remote's config queue with a raw STOMP client (here with
 * the console's own TLS certificate, the strongest position short of the signing key) are refused with
 * the specific reason and change nothing on the remote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleProfilePath,
  labConsoleKeys,
  labConsoleSealers,
  labConsoleTls,
  labSignerFiles,
} from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import type { VirtualRemote } from '../../src-agent/simulate/virtual-remote';
import { ConsoleCore } from '../../src-main/core/console-core';
import {
  destinations,
  makeEnvelope,
  stompHeadersFor,
  type Body,
  type Envelope,
} from '../../src-shared/protocol';
import { loadConfigSigner, signConfig, type ConfigSigner } from '../../src-node/crypto/config-signature';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { StompProbe } from '../helpers/stomp-probe';

const RID = 'r-0701';
let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
let sim: Simulation | undefined;
let intruder: StompProbe | undefined;
let signer: ConfigSigner;
const results: Envelope<'result'>[] = [];

const zoneText = (serial: number, www = '192.0.2.10') =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A ${www}\n`;
const zone = (version: number): Body<'config'> => ({
  pushId: crypto.randomUUID(),
  object: { kind: 'zone', name: 'example.test' },
  version,
  op: 'upsert',
  payload: { format: 'zone-text', text: zoneText(version) },
});
const envelope = (version: number) => makeEnvelope('config', 'lab-console', zone(version));
const signedFor = (rid: string, env: Envelope<'config'>): Envelope<'config'> => ({
  ...env,
  body: signConfig(signer, rid, env.id, env.body),
});

const remote = () => sim?.get(RID) as VirtualRemote;
const outcome = (ref: string) =>
  waitFor(
    `the outcome of ${ref}`,
    () => results.find((r) => r.body.ref === ref && r.body.state !== 'delivered')?.body,
    30_000,
  );

/** What an intruder on the broker does: SEND straight to the remote's config queue, persistent. */
async function inject(env: Envelope<'config'>): Promise<void> {
  const frame = await (intruder as StompProbe).send(
    destinations.remoteQueue(RID, 'config'),
    JSON.stringify(env),
    stompHeadersFor(env),
  );
  expect(frame.command).toBe('RECEIPT');
}

beforeAll(async () => {
  lab = await startLab();
  signer = await loadConfigSigner(labSignerFiles(lab.opts), new Date(), await labConsoleKeys(lab.opts));
  sim = await startSimulation({ remotes: 1, first: 701, lab: lab.opts });
  core = await ConsoleCore.fromProfileFile(consoleProfilePath(lab.opts), {
    sealers: await labConsoleSealers(lab.opts),
  });
  core.onResult((r) => void results.push(r));
  await core.start();
  await waitFor('the console to connect', () => core?.connectionStatus().state.kind === 'connected', 30_000);
  const { ca, cert, key } = await labConsoleTls(lab.opts);
  const primary = lab.brokers.find((b) => b.name === 'primary');
  const session = await StompProbe.session({ port: primary?.port ?? 0, tls: { ca, cert, key } });
  expect(session.reply.command).toBe('CONNECTED');
  intruder = session.probe;
});

afterAll(async () => {
  intruder?.close();
  await sim?.stop();
  await core?.stop();
  await lab?.stop();
});

describe('signed configuration', () => {
  it('applies a config the console signed', async () => {
    const sent = await (core as ConsoleCore).sendConfig(RID, zone(1));
    expect(sent.body.signature).toMatchObject({ alg: 'ES256', signer: signer.signer });
    expect(await outcome(sent.id)).toMatchObject({ state: 'applied', version: 1 });
    expect(await remote().dns.servedZone('example.test')).toBe(zoneText(1));
    expect(remote().ledger.get(sent.id)).toMatchObject({ state: 'applied' });
  });

  it('refuses a tampered, an unsigned and a misaddressed copy injected into the queue, applying none', async () => {
    // A message signed for this remote whose payload was changed on the way.
    const signed = signedFor(RID, envelope(2));
    const tampered: Envelope<'config'> = {
      ...signed,
      body: { ...signed.body, payload: { format: 'zone-text', text: zoneText(2, '203.0.113.66') } },
    };
    // No signature at all.
    const unsigned = envelope(3);
    // Genuinely signed, but for another remote: replayed into this remote's queue.
    const elsewhere = signedFor('r-0702', envelope(4));

    for (const env of [tampered, unsigned, elsewhere]) await inject(env);

    expect(await outcome(tampered.id)).toMatchObject({
      state: 'failed',
      reason: 'signature does not match the payload',
    });
    expect(await outcome(unsigned.id)).toMatchObject({ state: 'failed', reason: 'config is not signed' });
    expect(await outcome(elsewhere.id)).toMatchObject({
      state: 'failed',
      reason: 'signature does not match the payload',
    });
    // Refusals stay out of the ledger, so a forgery cannot pre-empt a genuine message's id.
    for (const env of [tampered, unsigned, elsewhere]) expect(remote().ledger.get(env.id)).toBeUndefined();
    expect(await remote().dns.servedZone('example.test')).toBe(zoneText(1));
    expect(remote().ledger.lastApplied('zone:example.test')).toMatchObject({ version: 1 });
  });

  it('refuses a redelivered forgery again, and applies the genuine message under the same id', async () => {
    const genuine = signedFor(RID, envelope(5));
    const forged: Envelope<'config'> = { ...genuine, body: { ...genuine.body, signature: undefined } };
    await inject(forged);
    expect(await outcome(forged.id)).toMatchObject({ state: 'failed' });
    await inject(forged);
    const again = await waitFor(
      'the second answer',
      () => results.filter((r) => r.body.ref === forged.id && r.body.state === 'failed')[1]?.body,
      30_000,
    );
    expect(again.reason).toBe('config is not signed');
    expect(await remote().dns.servedZone('example.test')).toBe(zoneText(1));
    await inject(genuine);
    await waitFor(
      'the genuine message to apply',
      () => results.some((r) => r.body.ref === genuine.id && r.body.state === 'applied'),
      30_000,
    );
    expect(await remote().dns.servedZone('example.test')).toBe(zoneText(5));
  });

  it('still applies the next config the console signs', async () => {
    const sent = await (core as ConsoleCore).sendConfig(RID, zone(6));
    expect(await outcome(sent.id)).toMatchObject({ state: 'applied', version: 6 });
    expect(await remote().dns.servedZone('example.test')).toBe(zoneText(6));
  });
});
