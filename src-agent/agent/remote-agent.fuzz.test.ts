/**
 * Generated STOMP frames into the real agent pipeline (a simulated remote: ledger, signature check,
 * in-memory DNS and DHCP) over a fake broker, on its four queues: hostile bodies and headers, queries
 * whose reply-to points anywhere. Every frame is acknowledged once; a refused one is counted with its
 * one reason; every answer the agent sends is a valid envelope, about a frame it was sent, to a console's
 * own queue; the session never drops; and a signed config after each batch is still applied.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnState } from '../../src-shared/connection/machine';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_CONFIG_FRAME_BYTES,
  channelTypes,
  decodeEnvelope,
  destinations,
  makeEnvelope,
  type Envelope,
  type RemoteQueueKind,
} from '../../src-shared/protocol';
import { counterDelta } from '../../src-shared/protocol/testing/hostile';
import {
  loadConfigSigner,
  loadTrustedSigners,
  signConfig,
  type ConfigSigner,
} from '../../src-node/crypto/config-signature';
import { FakeStompServer, plainTransport, type Frame } from '../../src-node/smt/testing/fake-stomp-server';
import { waitFor } from '../../src-node/smt/testing/wait';
import { selfSignedCert } from '../../src-node/testing/self-signed';
import { VirtualRemote } from '../simulate/virtual-remote';
import {
  agentFrame,
  agentHeaders,
  answerable,
  refusal,
  replyQueue,
  type AgentFrame,
} from './testing/hostile-frames';

/** Frames per batch and batches: docs/reliability.md quotes their product. */
const BATCH = 100;
const RUNS = 100;
const RID = 'r-0001';

/** The fake broker stamps the sender (as a certificate DN), or nobody. */
const frame = agentFrame((sender, pick) => (pick % 2 === 0 ? sender : undefined));

function deliveryHeaders(f: AgentFrame): Record<string, string> {
  const headers = agentHeaders(f, RID);
  if (f.user !== undefined) headers.JMSXUserID = `CN=${f.user}, OU=consoles, O=SMT Lab`;
  return headers;
}

let dir = '';
let srv: FakeStompServer;
let remote: VirtualRemote;
let signer: ConfigSigner;
const states: ConnState[] = [];
let sentinelVersion = 0;
let delivered = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-agent-fuzz-'));
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
    // A DNS and DHCP remote, so queries and commands of both kinds reach a target.
    index: 2,
    statsIntervalMs: 60_000,
    presenceIntervalMs: 60_000,
    trustedSigners: await loadTrustedSigners([files.certFile]),
    connection: { transport: plainTransport },
  });
  remote.start();
  await waitFor('the agent connected', () => remote.conn.state.kind === 'connected');
  remote.conn.onState((s) => void states.push(s));
});

afterAll(async () => {
  await remote?.stop();
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

/** ACKs the fake broker got since frame number `from`. */
const acksSince = (from: number) => srv.frames.slice(from).filter((f) => f.command === 'ACK').length;
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** What the agent sent: each SEND decoded as a console would, so the agent never emits what gets dropped. */
function sent(frames: Frame[]): { destination: string; env: Envelope }[] {
  return frames
    .filter((f) => f.command === 'SEND')
    .map((f) => {
      const decoded = decodeEnvelope(f.body.toString('utf8'), channelTypes, MAX_CONFIG_FRAME_BYTES);
      if (!decoded.ok) throw new Error(`the agent sent a frame a console drops: ${decoded.detail}`);
      expect(decoded.envelope.from).toBe(RID);
      return { destination: f.headers.destination ?? '', env: decoded.envelope };
    });
}

/** A signed config the agent applies: once its result says so, every earlier frame was judged. */
async function applySentinel(): Promise<void> {
  const version = ++sentinelVersion;
  const text = [
    '$ORIGIN sentinel.test.',
    '@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 300',
    '@ 3600 IN NS ns1',
    `ns1 3600 IN A 192.0.2.${version % 250}`,
  ].join('\n');
  const unsigned = makeEnvelope('config', 'lab-console', {
    pushId: crypto.randomUUID(),
    object: { kind: 'zone', name: 'sentinel.test' },
    version,
    op: 'upsert',
    payload: { format: 'zone-text', text },
  });
  const env = { ...unsigned, body: signConfig(signer, RID, unsigned.id, unsigned.body) };
  const from = srv.frames.length;
  srv.deliver(destinations.remoteQueue(RID, 'config'), JSON.stringify(env), {
    JMSXUserID: 'CN=lab-console, OU=consoles, O=SMT Lab',
  });
  // Looked for in the raw frames while waiting (decoding them all on every poll cost more than the agent).
  const applied = (f: Frame) =>
    f.command === 'SEND' && f.body.includes(env.id) && f.body.includes('"applied"');
  await waitFor('the signed config applied', () => srv.frames.slice(from).some(applied), 30_000);
  expect(
    sent(srv.frames.slice(from)).some(
      (s) => s.env.type === 'result' && s.env.body.ref === env.id && s.env.body.state === 'applied',
    ),
  ).toBe(true);
  expect(await remote.dns.servedZone('sentinel.test')).toBe(text);
}

describe('agent under generated frames', () => {
  it(`acknowledges each of ${BATCH * RUNS} frames once, refuses each bad one for its reason, answers only consoles`, async () => {
    const guard = remote.agent.guard;
    await applySentinel();
    await waitFor('the first signed config acknowledged', () => srv.framesOf('ACK').length === 1);
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: BATCH, maxLength: BATCH }), async (frames) => {
        const before = guard.counters();
        const framesBefore = srv.frames.length;
        const byReason: Record<string, number> = {};
        const byRemote: Record<string, number> = {};
        for (const f of frames) {
          srv.deliver(destinations.remoteQueue(RID, f.queue), f.body.body, deliveryHeaders(f));
          const refused = refusal(f, RID);
          if (!refused) continue;
          byReason[refused.reason] = (byReason[refused.reason] ?? 0) + 1;
          byRemote[refused.blamed] = (byRemote[refused.blamed] ?? 0) + 1;
        }
        delivered += frames.length;
        await applySentinel();
        await waitFor('every frame acknowledged', () => acksSince(framesBefore) >= frames.length + 1, 30_000);
        expect(acksSince(framesBefore)).toBe(frames.length + 1);

        const after = guard.counters();
        expect(after.total - before.total).toBe(sum(byReason));
        expect(counterDelta(after.byReason, before.byReason)).toEqual(byReason);
        expect(counterDelta(after.byRemote, before.byRemote)).toEqual(byRemote);

        const out = sent(srv.frames.slice(framesBefore));
        const ids = new Set(frames.map((f) => f.body.verdict).flatMap((v) => (v.ok ? [v.env.id] : [])));
        const results = out.filter((s) => s.env.type === 'result');
        const replies = out.filter((s) => s.env.type === 'reply');
        for (const f of frames) {
          const v = f.body.verdict;
          if (f.queue === 'config' || f.queue === 'command') {
            if (!v.ok) continue;
            // Taken: exactly one final answer to the sender's own result queue (unsigned configs fail).
            const mine = results.filter((r) => r.env.type === 'result' && r.env.body.ref === v.env.id);
            expect(mine.map((r) => r.destination)).toEqual([
              destinations.consoleResult(v.env.from as string),
            ]);
            if (f.queue === 'config') expect(mine[0]?.env.body).toMatchObject({ state: 'failed' });
          }
        }
        // A refused config or command is answered at most once, with the reason it was refused.
        for (const r of results) {
          if (r.env.type !== 'result' || ids.has(r.env.body.ref)) continue;
          const about = r.env.body.object;
          if (about?.kind === 'zone' && about.name === 'sentinel.test') continue;
          expect(r.env.body.reason).toMatch(/^remote r-0001 refused the (config|command) message \(/);
          expect(r.destination).toMatch(/^\/queue\/smt\.console\.[a-z0-9-]+\.result$/);
        }
        // Every query with a console's reply queue gets one reply there, and no other query any.
        const queries = frames.filter((f) => f.queue === 'query' && answerable(f));
        expect(replies.map((r) => r.destination).sort()).toEqual(
          queries.map((f) => replyQueue(f, RID)).sort(),
        );
        for (const f of queries) {
          const v = f.body.verdict;
          if (v.ok) {
            expect(replies.filter((r) => r.env.corr === v.env.id)).toHaveLength(1);
          }
        }
        expect(states).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(delivered).toBeGreaterThanOrEqual(BATCH * RUNS);
  }, 180_000);

  it('judges a body of exactly the frame limit on its content, and one byte more as oversized', async () => {
    const guard = remote.agent.guard;
    /** `shape` with its string filled to exactly `bytes` UTF-8 bytes, two-byte characters where it can. */
    const sized = (shape: (fill: string) => unknown, bytes: number, wide: boolean) => {
      const room = bytes - Buffer.byteLength(JSON.stringify(shape('')));
      const fill = wide ? 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2) : 'x'.repeat(room);
      const text = JSON.stringify(shape(fill));
      expect(Buffer.byteLength(text)).toBe(bytes);
      return text;
    };
    // A zone of 5 MiB is under the schema's 4,000,000 characters only in two-byte characters.
    const config = makeEnvelope('config', 'lab-console', {
      pushId: crypto.randomUUID(),
      object: { kind: 'zone', name: 'big.test' },
      version: 1,
      op: 'upsert',
      payload: { format: 'zone-text', text: '' },
    });
    const zone = (text: string) => ({
      ...config,
      body: { ...config.body, payload: { format: 'zone-text', text } },
    });
    const command = makeEnvelope('command', 'lab-console', { action: 'reload', service: 'named' });
    const padded = (pad: string) => ({ ...command, pad });
    const stamp = { JMSXUserID: 'CN=lab-console, OU=consoles, O=SMT Lab' };
    const cases: [RemoteQueueKind, string, string | null][] = [
      // Read, then refused by the signature check like every unsigned config.
      ['config', sized(zone, MAX_CONFIG_FRAME_BYTES, true), null],
      ['config', sized(zone, MAX_CONFIG_FRAME_BYTES + 1, true), 'oversized'],
      // Read, and refused for the unknown field it carries.
      ['command', sized(padded, DEFAULT_MAX_FRAME_BYTES, false), 'schema'],
      ['command', sized(padded, DEFAULT_MAX_FRAME_BYTES + 1, false), 'oversized'],
    ];
    for (const [queue, body, reason] of cases) {
      const before = guard.counters();
      const from = srv.frames.length;
      srv.deliver(destinations.remoteQueue(RID, queue), body, stamp);
      await applySentinel();
      await waitFor('both acknowledged', () => acksSince(from) === 2);
      const after = guard.counters();
      const results = sent(srv.frames.slice(from)).flatMap((s) =>
        s.env.type === 'result' && s.env.body.ref !== undefined ? [s.env.body] : [],
      );
      if (reason === null) {
        expect(after.total).toBe(before.total);
        expect(results.find((r) => r.ref === config.id)).toMatchObject({
          state: 'failed',
          reason: 'config is not signed',
        });
      } else {
        expect(counterDelta(after.byReason, before.byReason)).toEqual({ [reason]: 1 });
        // Its sender hears why when the body could be read: not when it was too large to read.
        const told = results.filter((r) => r.ref === command.id);
        expect(told.map((r) => r.reason)).toEqual(
          reason === 'oversized' ? [] : [expect.stringContaining(`refused the command message (${reason})`)],
        );
      }
    }
    expect(states).toEqual([]);
  }, 60_000);
});
