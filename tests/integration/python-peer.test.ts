/**
 * A second STOMP peer that no one here wrote: tests/peers/smt_peer.py (Debian's python3-stomp, written
 * against docs/protocol/*.schema.json alone) joins the tunnel with its own lab certificate, and the
 * console core shows it like any remote: its hello's host, its stats, online and then offline on its
 * goodbye. A stats sample it breaks on purpose is dropped as a schema reject; its good ones still count.
 * A console that restarts while it stays connected learns its hello again by asking for it. A config the
 * console signs is verified and applied by the peer, which answers on the console's result queue; a
 * forged or unsigned one injected into its queue is refused with the reason.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consoleProfilePath,
  labConsoleSealers,
  labConsoleTls,
  labSignerCertFile,
  remoteIdentity,
} from '../../lab/lab';
import { ConsoleCore } from '../../src-main/core/console-core';
import { hostPort } from '../../src-shared/broker/address';
import type { RemoteView } from '../../src-shared/ipc/views';
import {
  destinations,
  makeEnvelope,
  stompHeadersFor,
  type Body,
  type Envelope,
} from '../../src-shared/protocol';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { StompProbe } from '../helpers/stomp-probe';

/** Debian's interpreter: python3-stomp is installed for it, not for any other python3 on the PATH. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'peers', 'smt_peer.py');
const INTERVAL_MS = 300;

let lab: LabFixture | undefined;
let core: ConsoleCore | undefined;
const cores: ConsoleCore[] = [];
const running = new Set<ChildProcess>();

/** What the peer printed: one JSON object per line. */
const PeerEvent = z.looseObject({ event: z.string() });
type PeerEvent = z.infer<typeof PeerEvent>;
const SentStats = z.object({
  event: z.literal('sent'),
  type: z.literal('stats'),
  body: z.object({
    seq: z.number(),
    localTime: z.string(),
    uptimeS: z.number(),
    load: z.tuple([z.number(), z.number(), z.number()]),
    cpuPct: z.number(),
  }),
});

interface Peer {
  child: ChildProcess;
  events: PeerEvent[];
  stderr: () => string;
  exited: Promise<number | null>;
  sentStats: () => z.infer<typeof SentStats>[];
}

async function startPeer(rid: string, ip: string, extra: string[] = []): Promise<Peer> {
  const l = lab as LabFixture;
  const identity = await remoteIdentity(rid, { ...l.opts, provision: true });
  const args = [
    SCRIPT,
    '--remote-id',
    rid,
    ...identity.brokers.flatMap((b) => ['--broker', hostPort(b)]),
    '--ca',
    identity.tls.caFile,
    '--cert',
    identity.tls.certFile,
    '--key',
    identity.tls.keyFile,
    '--trusted-signer',
    labSignerCertFile(l.opts),
    '--hostname',
    `${rid}.py.example.test`,
    '--ip',
    ip,
    '--ip',
    '2001:db8::41',
    '--interval-ms',
    String(INTERVAL_MS),
    ...extra,
  ];
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const events: PeerEvent[] = [];
  let pending = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(PeerEvent.parse(JSON.parse(line)));
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const sentStats = () => events.flatMap((e) => SentStats.safeParse(e).data ?? []);
  return { child, events, stderr: () => stderr, exited, sentStats };
}

async function view(id: string): Promise<RemoteView | undefined> {
  return (core as ConsoleCore).fleet.get(id);
}

/** Stops the peer by its PID as an operator would (SIGTERM): it says goodbye and exits 0. */
async function stopPeer(peer: Peer, rid: string): Promise<void> {
  peer.child.kill('SIGTERM');
  expect(await peer.exited, peer.stderr()).toBe(0);
  expect(peer.events.at(-1)?.event).toBe('stopped');
  await waitFor(`${rid} offline after its goodbye`, async () => (await view(rid))?.status === 'offline');
}

async function startCore(): Promise<ConsoleCore> {
  const opts = (lab as LabFixture).opts;
  const c = await ConsoleCore.fromProfileFile(consoleProfilePath(opts), {
    sealers: await labConsoleSealers(opts),
  });
  cores.push(c);
  await c.start();
  await waitFor('the console to connect', () => c.connectionStatus().state.kind === 'connected', 30_000);
  return c;
}

beforeAll(async () => {
  lab = await startLab();
  core = await startCore();
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  for (const c of cores) await c.stop();
  await lab?.stop();
});

describe('a Python peer written against the JSON Schemas alone', () => {
  it('appears in the fleet with its hello and its stats, and nothing it sends is rejected', async () => {
    const rid = 'r-py01';
    const peer = await startPeer(rid, '192.0.2.41');
    await waitFor('the peer to connect', () => peer.events.some((e) => e.event === 'connected'), 30_000);
    // Every message was checked against docs/protocol before it left (python3-jsonschema is installed).
    expect(peer.events[0]).toEqual({
      event: 'validation',
      enabled: true,
      schemas: ['config', 'hello', 'presence', 'query', 'reply', 'result', 'served', 'stats'],
    });
    // Its served inventory right after its hello: nothing applied yet, named readable.
    const firstServed = await waitFor('its first served inventory', () =>
      peer.events.find((e) => e.event === 'sent' && e.type === 'served'),
    );
    const sentTypes = peer.events.flatMap((e) => (e.event === 'sent' ? [e.type] : []));
    expect(sentTypes.slice(0, 2)).toEqual(['hello', 'served']);
    expect(firstServed.body).toEqual({
      seq: 1,
      sources: [{ service: 'named', readable: true }],
      objects: [],
      truncated: false,
    });

    const shown = await waitFor(
      `${rid} online with its third stats sample`,
      async () => {
        const v = await view(rid);
        return v?.status === 'online' && v.hostname !== '' && (core?.fleet.statsSeq(rid) ?? 0) >= 3
          ? v
          : undefined;
      },
      30_000,
    );
    expect(shown).toMatchObject({
      hostname: `${rid}.py.example.test`,
      ips: ['192.0.2.41', '2001:db8::41'],
      serviceTag: `py-${rid}`,
      agentVersion: 'py-0.1.0',
      mode: 'simulated',
      memPct: 25,
      diskPct: 25,
      processes: [{ name: 'named', running: true, pid: peer.child.pid }],
    });
    // Read together (synchronously), so no newer sample slips in between.
    const seq = core?.fleet.statsSeq(rid);
    const latest = structuredClone(core?.fleet.get(rid));
    const sent = await waitFor('the peer to have logged that sample', () =>
      peer.sentStats().find((s) => s.body.seq === seq),
    );
    expect(latest).toMatchObject({
      cpuPct: sent.body.cpuPct,
      load: sent.body.load,
      uptimeS: sent.body.uptimeS,
      localTime: sent.body.localTime,
    });

    await stopPeer(peer, rid);
    expect(core?.rejects()).toEqual({ total: 0, byReason: {}, byRemote: {} });
    expect(peer.events.find((e) => e.event === 'connected')).toMatchObject({ tls: 'TLSv1.2' });
  });

  it('has a stats sample it broke on purpose dropped as a schema reject, and its good ones still count', async () => {
    const rid = 'r-py02';
    const peer = await startPeer(rid, '192.0.2.42', ['--bad']);
    // The peer's own validator refuses the sample first, with the schema's words, and sends it anyway.
    await waitFor('the bad sample sent', () => peer.sentStats().some((s) => s.body.cpuPct === 140), 30_000);
    expect(peer.events.find((e) => e.event === 'local-validation')).toEqual({
      event: 'local-validation',
      refused: true,
      problems: ['body/cpuPct: 140 is greater than the maximum of 100'],
    });
    const badSeq = peer.sentStats().find((s) => s.body.cpuPct === 140)?.body.seq ?? 0;

    await waitFor('the reject counted', () => (core?.rejects().total ?? 0) >= 1, 30_000);
    await waitFor(
      'good samples after the bad one',
      () => (core?.fleet.statsSeq(rid) ?? 0) >= badSeq + 2,
      30_000,
    );
    expect(core?.rejects()).toEqual({ total: 1, byReason: { schema: 1 }, byRemote: { [rid]: 1 } });
    expect((await view(rid))?.cpuPct).not.toBe(140);
    expect((await view(rid))?.hostname).toBe(`${rid}.py.example.test`);

    await stopPeer(peer, rid);
  });

  it('answers the hello query of a console that restarted while it stayed connected', async () => {
    const rid = 'r-py03';
    const peer = await startPeer(rid, '192.0.2.43');
    const before = core as ConsoleCore;
    await waitFor(`${rid} shown`, () => before.fleet.get(rid)?.hostname === `${rid}.py.example.test`, 30_000);
    await before.stop();

    // The hello was consumed by the stopped core: the new one has only stats to go on, and asks.
    core = await startCore();
    const after = core;
    const learned = await waitFor(
      `${rid} re-learned`,
      () => {
        const v = after.fleet.get(rid);
        return v?.hostname ? v : undefined;
      },
      30_000,
    );
    expect(learned).toMatchObject({
      hostname: `${rid}.py.example.test`,
      ips: ['192.0.2.43', '2001:db8::41'],
    });
    expect(after.relearn.counters()).toMatchObject({ asked: 1, learned: 1 });
    expect(peer.events.filter((e) => e.event === 'query')).toEqual([
      expect.objectContaining({ query: 'hello' }),
    ]);
    expect(after.rejects().total).toBe(0);
    await stopPeer(peer, rid);
  });

  it('verifies and applies a config the console signed, answering on its result queue', async () => {
    const rid = 'r-py04';
    const c = core as ConsoleCore;
    const results: Envelope<'result'>[] = [];
    const stop = c.onResult((r) => void results.push(r));
    const peer = await startPeer(rid, '192.0.2.44');
    await waitFor(`${rid} shown`, () => c.fleet.get(rid)?.hostname === `${rid}.py.example.test`, 30_000);
    const text = (serial: number) => `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n`;
    const zone = (version: number): Body<'config'> => ({
      pushId: crypto.randomUUID(),
      object: { kind: 'zone', name: 'py.example.test' },
      version,
      op: 'upsert',
      payload: { format: 'zone-text', text: text(version) },
    });
    const outcome = (ref: string) =>
      waitFor(`the outcome of ${ref}`, () => results.find((r) => r.body.ref === ref)?.body, 30_000);

    const sent = await c.sendConfig(rid, zone(2));
    expect(await outcome(sent.id)).toEqual({
      ref: sent.id,
      pushId: sent.body.pushId,
      object: sent.body.object,
      version: 2,
      state: 'applied',
      sha256: createHash('sha256').update(text(2)).digest('hex'),
    });
    // What it applied is in its next inventory, with the ledger's version, the SOA serial and the hash.
    const servedSent = () =>
      peer.events.flatMap((e) =>
        e.event === 'sent' && e.type === 'served' ? [e.body as Body<'served'>] : [],
      );
    const inventory = await waitFor('an inventory with the zone', () =>
      servedSent().find((b) => b.objects.length > 0),
    );
    expect(inventory).toMatchObject({
      seq: 2,
      objects: [
        {
          object: { kind: 'zone', name: 'py.example.test' },
          version: 2,
          serial: 2,
          sha256: createHash('sha256').update(text(2)).digest('hex'),
        },
      ],
    });
    const older = await c.sendConfig(rid, zone(1));
    expect(await outcome(older.id)).toMatchObject({ state: 'superseded', version: 1 });
    // Nothing served changed: no new inventory, and the served query answers the one sent.
    const asked = await c.query(rid, { query: 'served' }, { timeoutMs: 20_000 });
    expect(asked).toEqual({ ok: true, data: inventory });
    expect(servedSent()).toHaveLength(2);

    // What an intruder on the broker (here with the console's own certificate) sends straight into the
    // peer's config queue: a signed message replayed under a new id, and an unsigned one.
    const { ca, cert, key } = await labConsoleTls((lab as LabFixture).opts);
    const primary = (lab as LabFixture).brokers.find((b) => b.name === 'primary');
    const { probe } = await StompProbe.session({ port: primary?.port ?? 0, tls: { ca, cert, key } });
    const replayed: Envelope<'config'> = {
      ...sent,
      id: crypto.randomUUID(),
      body: { ...sent.body, version: 3 },
    };
    const unsigned = makeEnvelope('config', sent.from, zone(4));
    try {
      for (const env of [replayed, unsigned]) {
        const frame = await probe.send(
          destinations.remoteQueue(rid, 'config'),
          JSON.stringify(env),
          stompHeadersFor(env),
        );
        expect(frame.command).toBe('RECEIPT');
      }
    } finally {
      probe.close();
    }
    expect(await outcome(replayed.id)).toMatchObject({
      state: 'failed',
      reason: 'signature does not match the payload',
    });
    expect(await outcome(unsigned.id)).toMatchObject({ state: 'failed', reason: 'config is not signed' });

    expect(results.every((r) => r.from === rid)).toBe(true);
    expect(peer.events.filter((e) => e.event === 'config')).toEqual([
      { event: 'config', ref: sent.id, state: 'applied' },
      { event: 'config', ref: older.id, state: 'superseded' },
      { event: 'config', ref: replayed.id, state: 'failed' },
      { event: 'config', ref: unsigned.id, state: 'failed' },
    ]);
    expect(c.rejects().total).toBe(0);
    stop();
    await stopPeer(peer, rid);
  });
});
