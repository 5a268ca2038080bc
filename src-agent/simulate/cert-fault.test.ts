/**
 * The hello's certificate through the whole simulated remote, over a fake broker: a remote reports the
 * certificate it connects with, and the `cert-expiring=DAYS` fault changes only the date it reports.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedSigners } from '../../src-node/crypto/config-signature';
import { sha256 } from '../../src-node/crypto/sha256';
import { FakeStompServer, plainTransport } from '../../src-node/smt/testing/fake-stomp-server';
import { waitFor } from '../../src-node/smt/testing/wait';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import { channels, decodeEnvelope, type Body } from '../../src-shared/protocol';
import { faultsFor, parseFaults } from './faults';
import { VirtualRemote } from './virtual-remote';

const DAY = 86_400_000;
let dir = '';
let srv: FakeStompServer;
let cert: X509Certificate;
const remotes: VirtualRemote[] = [];

/** The hellos the agents sent (as a console decodes them), by sender. */
const hellos = () =>
  new Map(
    srv
      .framesOf('SEND')
      .filter((f) => f.headers.destination === channels.hello.sendTo())
      .flatMap((f) => {
        const d = decodeEnvelope(f.body.toString('utf8'), ['hello', 'served']);
        if (!d.ok) throw new Error(`the agent sent what a console drops: ${d.detail}`);
        return d.envelope.type === 'hello'
          ? [[d.envelope.from, d.envelope.body as Body<'hello'>] as const]
          : [];
      }),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-cert-fault-'));
  const files = await selfSignedCert(dir, 'remote');
  const pem = await readFile(files.certFile, 'utf8');
  cert = new X509Certificate(pem);
  srv = await new FakeStompServer({ heartbeatMs: 500 }).listen();
  const spec = parseFaults('r-0002:cert-expiring=5');
  for (const [rid, index] of [
    ['r-0001', 1],
    ['r-0002', 2],
  ] as const) {
    const remote = await VirtualRemote.create({
      identity: { remoteId: rid, brokers: [srv.endpoint('primary')], tls: { ...files, caFile: 'unused' } },
      tls: { ca: '', cert: pem, key: '', subjectCn: rid, notAfter: new Date(cert.validTo) },
      index,
      statsIntervalMs: 60_000,
      presenceIntervalMs: 60_000,
      trustedSigners: await loadTrustedSigners([files.certFile]),
      faults: faultsFor(spec, rid),
      connection: { transport: plainTransport },
    });
    remotes.push(remote);
    remote.start();
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(remotes.map((r) => r.stop()));
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a simulated remote's certificate in its hello", () => {
  it('is the one it connects with, and the fault changes only its date', async () => {
    const startedBefore = Date.now();
    await waitFor('both hellos', () => hellos().size === 2);
    const real = {
      notAfter: Date.parse(cert.validTo),
      subject: cert.subject,
      serial: cert.serialNumber.toLowerCase(),
      sha256: sha256(cert.raw),
    };
    expect(hellos().get('r-0001')?.cert).toEqual(real);
    const faulty = hellos().get('r-0002')?.cert;
    expect(faulty).toEqual({ ...real, notAfter: expect.any(Number) });
    // Five days from the remote's creation, in beforeAll: a moment before this test began.
    const left = (faulty?.notAfter ?? 0) - startedBefore;
    expect(left).toBeGreaterThan(5 * DAY - 60_000);
    expect(left).toBeLessThanOrEqual(5 * DAY);
  });
});
