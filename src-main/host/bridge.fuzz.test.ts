/**
 * Generated IPC calls into the core through the browser host's bridge: the contract's gate (dispatchCall)
 * with any call name and any arguments, and frames of any shape over a real WebSocket. Every call and
 * frame is answered once, a refused one with a specific error and counted by reason, only calls the
 * contract accepts reach the core, and the page's connection stays up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  BRIDGE_PATH,
  BridgeResponse,
  IpcErrorCode,
  MAX_BRIDGE_FRAME_BYTES,
  callNames,
  calls,
  type CallName,
} from '../../src-shared/ipc';
import { waitFor } from '../../src-node/smt/testing/wait';
import { dispatchCall } from './dispatch';
import { startHost, type RunningHost } from './server';
import { FakeBackend } from './testing/fake-backend';

/** Generated cases: docs/reliability.md quotes them. */
const CALLS = 2_000;
const FRAMES = 500;

const callName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...callNames) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 70 }) },
);
const args = fc.oneof(
  fc.constant([]),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
  fc.anything({ maxDepth: 3 }),
);

describe('the IPC contract under generated calls', () => {
  it(`answers each of ${CALLS} calls, refusing before the core what the contract does not accept`, async () => {
    const backend = new FakeBackend();
    await fc.assert(
      fc.asyncProperty(callName, args, async (call, a) => {
        const before = backend.received.length;
        const outcome = await dispatchCall(backend, call, a);
        const reached = backend.received.length - before;
        if (outcome.rejected) {
          expect(reached).toBe(0);
          expect(outcome.result).toMatchObject({ ok: false, error: { message: expect.any(String) } });
          if (outcome.rejected === 'unknown-call') expect(callNames).not.toContain(call);
          else expect(calls[call as CallName].args.safeParse(a).success).toBe(false);
        } else {
          expect(reached).toBe(1);
        }
        if (!outcome.result.ok) expect(IpcErrorCode.options).toContain(outcome.result.error.code);
      }),
      { numRuns: CALLS },
    );
  }, 60_000);
});

describe('the WebSocket bridge under generated frames', () => {
  let dir = '';
  let host: RunningHost;
  const backend = new FakeBackend();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-bridge-fuzz-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    host = await startHost({ backend, staticDir: dir, log: () => undefined });
  });

  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`answers each of ${FRAMES} frames of any shape once, and the page stays connected`, async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, {
      headers: { Origin: host.origin, Cookie: `smt_session=${host.token}` },
    });
    const answers: BridgeResponse[] = [];
    ws.on('message', (data) => {
      const frame = BridgeResponse.parse(JSON.parse(String(data)));
      if (frame.kind === 'result') answers.push(frame);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const invoke = fc.record(
      {
        kind: fc.constantFrom('invoke', 'call', 7),
        id: fc.oneof(fc.nat(), fc.integer(), fc.string()),
        call: callName,
        args,
      },
      { requiredKeys: [] },
    );
    const frame = fc.oneof(
      { weight: 4, arbitrary: invoke.map((f) => ({ text: JSON.stringify(f) })) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v) })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ binary: Buffer.from(b) })) },
      {
        weight: 1,
        arbitrary: fc
          .nat({ max: 64 })
          .map((extra) => ({ text: 'x'.repeat(MAX_BRIDGE_FRAME_BYTES + 1 + extra) })),
      },
    );
    const frames = fc.sample(frame, { numRuns: FRAMES, seed: 8 });
    const statsBefore = host.bridgeStats().rejectedFrames;
    const reachedBefore = backend.received.length;
    for (const [i, f] of frames.entries()) {
      if ('binary' in f) ws.send(f.binary, { binary: true });
      else ws.send(f.text);
      // One at a time: the bridge refuses more than 32 calls in flight as `busy`, a case of its own.
      await waitFor(`the answer to frame ${i}`, () => answers.length === i + 1, 10_000, 1);
    }
    expect(answers).toHaveLength(FRAMES);
    const stats = host.bridgeStats().rejectedFrames;
    const refused = Object.entries(stats).reduce(
      (n, [reason, count]) => n + (count ?? 0) - (statsBefore[reason as keyof typeof stats] ?? 0),
      0,
    );
    // Every frame was refused and counted, or reached the core as a call of the contract.
    expect(refused + backend.received.length - reachedBefore).toBe(FRAMES);
    for (const r of backend.received.slice(reachedBefore)) {
      expect(calls[r.call].args.safeParse(r.args).success).toBe(true);
    }
    expect(Object.keys(stats).sort()).toEqual(
      expect.arrayContaining(['bad-args', 'bad-frame', 'binary', 'not-json', 'too-large', 'unknown-call']),
    );
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  }, 60_000);
});
