/**
 * The served inventory through the whole simulated remote, over a fake broker: it follows the hello on the
 * inventory topic, comes again after a signed config is applied (with the ledger's version), and again when
 * the `drift` fault changes a served zone by hand (new hash, same version) — what a console needs to show
 * drift in a simulation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src-node/crypto/sha256';
import {
  loadConfigSigner,
  loadTrustedSigners,
  signConfig,
  type ConfigSigner,
} from '../../src-node/crypto/config-signature';
import { FakeStompServer, plainTransport } from '../../src-node/smt/testing/fake-stomp-server';
import { waitFor } from '../../src-node/smt/testing/wait';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import {
  channels,
  decodeEnvelope,
  destinations,
  makeEnvelope,
  type Envelope,
} from '../../src-shared/protocol';
import { noRemoteFaults, VirtualRemote } from './virtual-remote';

const RID = 'r-0002';
let dir = '';
let srv: FakeStompServer;
let remote: VirtualRemote;
let signer: ConfigSigner;

/** hello and served envelopes the agent sent to the inventory topic, in order. */
const inventoryQueue = () =>
  srv
    .framesOf('SEND')
    .filter((f) => f.headers.destination === channels.served.sendTo())
    .map((f) => {
      const d = decodeEnvelope(f.body.toString('utf8'), ['hello', 'served']);
      if (!d.ok) throw new Error(`the agent sent what a console drops: ${d.detail}`);
      return d.envelope;
    });
const served = () =>
  inventoryQueue()
    .filter((e): e is Envelope<'served'> => e.type === 'served')
    .map((e) => e.body);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-drift-'));
  const files = await selfSignedCert(dir, 'signer');
  signer = await loadConfigSigner(files);
  srv = await new FakeStompServer({ heartbeatMs: 500 }).listen();
  remote = await VirtualRemote.create({
    identity: {
      remoteId: RID,
      brokers: [srv.endpoint('primary')],
      tls: { caFile: 'unused', certFile: 'unused', keyFile: 'unused' },
    },
    tls: { ca: '', cert: '', key: '', subjectCn: RID, notAfter: new Date(0) },
    index: 2, // DNS and DHCP
    statsIntervalMs: 60_000,
    presenceIntervalMs: 60_000,
    trustedSigners: await loadTrustedSigners([files.certFile]),
    faults: { ...noRemoteFaults(), driftAfterMs: 60_000 },
    connection: { transport: plainTransport },
  });
  remote.start();
});

afterAll(async () => {
  await remote?.stop();
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('served inventory of a simulated remote', () => {
  it('follows the hello, then follows an apply and a change by hand', async () => {
    await waitFor('the first inventory', () => served().length === 1);
    expect(inventoryQueue().map((e) => e.type)).toEqual(['hello', 'served']);
    expect(served()[0]?.objects).toEqual([]);

    const text = '$ORIGIN d.test.\n@ 300 IN SOA ns1 hostmaster 5 3600 600 86400 300\n@ 300 IN NS ns1\n';
    const unsigned = makeEnvelope('config', 'lab-console', {
      pushId: crypto.randomUUID(),
      object: { kind: 'zone', name: 'd.test' },
      version: 3,
      op: 'upsert',
      payload: { format: 'zone-text', text },
    });
    const env = { ...unsigned, body: signConfig(signer, RID, unsigned.id, unsigned.body) };
    srv.deliver(destinations.remoteQueue(RID, 'config'), JSON.stringify(env), {
      JMSXUserID: 'CN=lab-console, OU=consoles, O=SMT Lab',
    });
    const applied = await waitFor('an inventory with the zone', () => served().find((b) => b.objects.length));
    expect(applied.objects).toEqual([
      {
        object: { kind: 'zone', name: 'd.test' },
        version: 3,
        serial: 5,
        sha256: sha256(text),
        since: expect.any(Number),
      },
    ]);

    // What the drift fault does when its time comes, called now.
    expect(await remote.driftByHand()).toBe('zone:d.test');
    const drifted = await waitFor('an inventory after the change by hand', () =>
      served().at(-1)?.seq === applied.seq + 1 ? served().at(-1) : undefined,
    );
    expect(drifted.objects[0]).toMatchObject({ version: 3, serial: 5 });
    expect(drifted.objects[0]?.sha256).not.toBe(sha256(text));
    expect(drifted.objects[0]?.sha256).toBe(sha256(await remote.dns.servedZone('d.test')));
  });
});
