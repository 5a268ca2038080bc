import { afterEach, describe, expect, it } from 'vitest';
import { makeEnvelope, replySessionPattern } from '../../src-shared/protocol';
import { waitFor } from '../../src-node/smt/testing/wait';
import type { LogEntry } from '../../src-node/log';
import { ConsoleCore } from './console-core';
import { startFakeCore, testSigner } from './testing/fake-core';
import { statsEnvelope } from './testing/fleet-envelopes';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(opts?: Parameters<typeof startFakeCore>[0]) {
  const fake = await startFakeCore(opts);
  cleanups.push(fake.stop);
  return fake;
}

describe('ConsoleCore', () => {
  it('subscribes the fleet channels, builds the view, batches patches and acks the inventory', async () => {
    const { srv, core, patches, states } = await started();
    expect(srv.framesOf('SUBSCRIBE').map((f) => [f.headers.destination, f.headers.ack])).toEqual([
      ['/queue/Consumer.lab-console.VirtualTopic.smt.inventory', 'client-individual'],
      ['/topic/smt.stats.>', 'auto'],
      ['/topic/smt.presence.>', 'auto'],
      ['/topic/smt.usage.>', 'auto'],
      ['/queue/Consumer.lab-console.VirtualTopic.smt.events', 'client-individual'],
      ['/topic/smt.broker.health', 'auto'],
      ['/queue/smt.console.lab-console.result', 'client-individual'],
      ['/queue/smt.console.lab-console.reply.fakesession0', 'auto'],
    ]);
    expect(states.map((s) => s.state.kind)).toEqual(['connecting', 'connected']);

    const presence = makeEnvelope('presence', 'r-0001', { state: 'online', intervalMs: 1000, seq: 1 });
    srv.deliver('/topic/smt.presence.>', JSON.stringify(presence), {
      destination: '/topic/smt.presence.r-0001',
      JMSXUserID: 'r-0001',
    });
    srv.deliver('/queue/Consumer.lab-console.VirtualTopic.smt.inventory', 'garbage', {
      JMSXUserID: 'r-0002',
    });
    await waitFor('a patch', () => patches.some((p) => p.upserts.some((u) => u.id === 'r-0001')));
    expect(core.fleet.get('r-0001')?.status).toBe('online');
    await waitFor('the bad hello dropped and acked', () => srv.framesOf('ACK').length === 1);
    expect(core.rejects()).toEqual({ total: 1, byReason: { 'not-json': 1 }, byRemote: { 'r-0002': 1 } });
  });

  it('keeps its own reply session across a reconnect, and another core has another', async () => {
    const one = await started({ signer: testSigner(), core: { replySession: undefined } });
    const other = await started({ signer: testSigner(), core: { replySession: undefined } });
    expect(one.core.replySession).toMatch(replySessionPattern);
    expect(other.core.replySession).not.toBe(one.core.replySession);
    expect(one.core.replyQueue).toBe(`/queue/smt.console.lab-console.reply.${one.core.replySession}`);
    expect(one.core.statsReplyQueue).toBe(`/queue/smt.console.lab-console.stats.${one.core.replySession}`);
    const replySubscriptions = () =>
      one.srv.framesOf('SUBSCRIBE').filter((f) => f.headers.destination?.includes('.reply.'));
    await waitFor('the reply queue subscribed', () => replySubscriptions().length === 1);
    one.srv.dropAll();
    // A reply in flight during a failover goes to the queue the session reads after it.
    await waitFor('subscribed again after the reconnect', () => replySubscriptions().length === 2);
    expect(replySubscriptions().map((f) => f.headers.destination)).toEqual([
      one.core.replyQueue,
      one.core.replyQueue,
    ]);
  });

  it('refuses a reply session that is not 12 of a-z and 0-9', () => {
    const profile = {
      name: 'Fake',
      consoleId: 'lab-console',
      brokers: [{ name: 'primary' as const, host: '127.0.0.1', port: 1 }],
      tls: { caFile: 'unused', certFile: 'unused', keyFile: 'unused' },
    };
    expect(() => new ConsoleCore({ profile, replySession: 'lab.console' })).toThrow(
      'reply session "lab.console" is not 12 of a-z and 0-9',
    );
  });

  it('holds a flooding remote to its live rate, counts and logs the drops, and keeps taking the others', async () => {
    const logs: LogEntry[] = [];
    const startedAt = Date.now();
    const { srv, core } = await started({
      signer: testSigner(),
      core: { liveRate: { perSecond: 1, burst: 10 }, log: (e) => void logs.push(e) },
    });
    const stats = (rid: string, seq: number) =>
      srv.deliver('/topic/smt.stats.>', JSON.stringify(statsEnvelope(rid, seq, seq)), {
        destination: `/topic/smt.stats.${rid}`,
        JMSXUserID: rid,
      });
    const flood = 2000;
    for (let seq = 1; seq <= flood; seq++) {
      stats('r-0001', seq);
      if (seq % 400 === 0) stats('r-0002', seq / 400);
    }
    await waitFor('every frame taken', () => core.fleet.statsSeq('r-0002') === 5);
    const elapsedS = (Date.now() - startedAt) / 1000;
    const dropped = core.rejects().byRemote['r-0001'] ?? 0;
    // The burst and what the rate refilled meanwhile passed; everything else from the flood was dropped.
    expect(flood - dropped).toBeGreaterThanOrEqual(10);
    expect(flood - dropped).toBeLessThanOrEqual(10 + Math.ceil(elapsedS));
    expect(core.rejects()).toEqual({
      total: dropped,
      byReason: { 'rate-limited': dropped },
      byRemote: { 'r-0001': dropped },
    });
    expect(logs.filter((l) => l.reason === 'rate-limited').map((l) => l.remote)).toEqual(['r-0001']);
  });

  it('asks a remote it has stats but no hello from for its hello, and shows the answer', async () => {
    const { srv, core } = await started();
    const stats = makeEnvelope('stats', 'r-0001', {
      seq: 1,
      localTime: '2026-11-25T05:00:00+00:00',
      uptimeS: 10,
      load: [0, 0, 0],
      cpuPct: 1,
      mem: { usedBytes: 1, totalBytes: 2 },
      disk: { usedBytes: 1, totalBytes: 2 },
      processes: [],
    });
    const deliverStats = () =>
      srv.deliver('/topic/smt.stats.>', JSON.stringify(stats), {
        destination: '/topic/smt.stats.r-0001',
        JMSXUserID: 'r-0001',
      });
    deliverStats();
    const query = await waitFor('the hello query', () => srv.framesOf('SEND')[0]);
    expect(query.headers).toMatchObject({
      destination: '/queue/smt.remote.r-0001.query',
      'reply-to': '/queue/smt.console.lab-console.reply.fakesession0',
      persistent: 'false',
      'smt-type': 'query',
    });
    expect(JSON.parse(query.body.toString('utf8'))).toMatchObject({
      type: 'query',
      from: 'lab-console',
      body: { query: 'hello' },
    });
    // More stats within the interval ask nothing more (checked below: frames are taken in order).
    deliverStats();

    const hello = {
      agent: { version: '2.0.0', mode: 'real' as const },
      host: {
        hostname: 'dns1.example.test',
        ips: ['192.0.2.1'],
        serviceTag: 'X1',
        os: 'Debian 12',
        kernel: '6.1',
      },
      capabilities: ['dns' as const],
      tags: [],
      statsIntervalMs: 5000,
      presenceIntervalMs: 2000,
    };
    const answer = (from: string) =>
      JSON.stringify(
        makeEnvelope('reply', from, { ok: true, data: hello }, { corr: query.headers['smt-id'] }),
      );
    // An answer from another remote (it would need our query id) is not taken.
    srv.deliver('/queue/smt.console.lab-console.reply.fakesession0', answer('r-0002'), {
      JMSXUserID: 'r-0002',
    });
    srv.deliver('/queue/smt.console.lab-console.reply.fakesession0', answer('r-0001'), {
      JMSXUserID: 'r-0001',
    });
    await waitFor('the hello learned', () => core.fleet.get('r-0001')?.hostname === 'dns1.example.test');
    expect(core.fleet.get('r-0001')).toMatchObject({
      ips: ['192.0.2.1'],
      agentVersion: '2.0.0',
      mode: 'real',
    });
    expect(core.relearn.counters()).toMatchObject({ asked: 1, learned: 1, mismatched: 1 });
    expect(srv.framesOf('SEND')).toHaveLength(1);
  });

  it('correlates a query with its reply, leaving replies to no query of its own to the relearner', async () => {
    const { srv, core } = await started();
    const asked = core.query(
      'r-0003',
      { query: 'config', object: { kind: 'zone', name: 'example.test' } },
      { timeoutMs: 10_000 },
    );
    const query = await waitFor('the config query', () => srv.framesOf('SEND')[0]);
    expect(query.headers).toMatchObject({
      destination: '/queue/smt.remote.r-0003.query',
      'reply-to': '/queue/smt.console.lab-console.reply.fakesession0',
    });
    const reply = (corr: string | undefined) =>
      JSON.stringify(
        makeEnvelope('reply', 'r-0003', { ok: true, data: { big: 'x'.repeat(2_000_000) } }, { corr }),
      );
    srv.deliver('/queue/smt.console.lab-console.reply.fakesession0', reply(crypto.randomUUID()), {
      JMSXUserID: 'r-0003',
    });
    srv.deliver('/queue/smt.console.lab-console.reply.fakesession0', reply(query.headers['smt-id']), {
      JMSXUserID: 'r-0003',
    });
    // Over the default 1 MiB frame limit: a zone-sized answer passes.
    expect(await asked).toMatchObject({ ok: true, data: { big: expect.any(String) } });
    await waitFor('the stray reply counted', () => core.relearn.counters().unmatched === 1);
    await expect(core.query('r-0003', { query: 'ping' }, { timeoutMs: 50 })).rejects.toThrow(
      'remote r-0003 did not answer the query within 50 ms',
    );
  });

  it('sends a config persistent and receipted (in a transaction, by its commit), as the channel policy says', async () => {
    const { srv, core } = await started();
    const env = await core.sendConfig('r-0001', {
      pushId: crypto.randomUUID(),
      object: { kind: 'scope', subnet: '10.0.0.0/24' },
      version: 3,
      op: 'delete',
    });
    const sent = srv.framesOf('SEND')[0];
    expect(sent?.headers).toMatchObject({
      destination: '/queue/smt.remote.r-0001.config',
      persistent: 'true',
      'smt-type': 'config',
      'smt-id': env.id,
      'content-length': String(sent?.body.length),
    });
    const commit = srv.framesOf('COMMIT')[0];
    expect(commit?.headers.transaction).toBe(sent?.headers.transaction);
    expect(commit?.headers.receipt).toBeDefined();
    expect(env.body.signature).toMatchObject({ alg: 'ES256', signer: 'ab'.repeat(32) });
    expect(JSON.parse(String(sent?.body))).toEqual(env);
    await expect(core.sendConfig('R 1', env.body)).rejects.toThrow(/remote id/);
  });

  it('sends no config when the profile has no signing key', async () => {
    const { srv, core } = await started({});
    await expect(
      core.sendConfig('r-0001', {
        pushId: crypto.randomUUID(),
        object: { kind: 'scope', subnet: '10.0.0.0/24' },
        version: 1,
        op: 'delete',
      }),
    ).rejects.toThrow(/profile "Fake" has no signing key/);
    expect(srv.framesOf('SEND')).toHaveLength(0);
  });

  it('keeps a result its listener cannot store now (a full disk) unacknowledged, and acks it once stored', async () => {
    const { srv, core } = await started();
    let full = true;
    const taken: string[] = [];
    core.onResult((r) => {
      taken.push(r.body.ref);
      if (full) throw Object.assign(new Error('the console database cannot be written'), { retryable: true });
    });
    const other: string[] = [];
    core.onResult((r) => void other.push(r.body.ref));
    const ref = crypto.randomUUID();
    const result = makeEnvelope('result', 'r-0001', { ref, state: 'applied', sha256: 'a'.repeat(64) });
    srv.deliver('/queue/smt.console.lab-console.result', JSON.stringify(result), { JMSXUserID: 'r-0001' });
    await waitFor('the result offered again', () => taken.length === 2, 5_000);
    expect(srv.framesOf('ACK')).toHaveLength(0);
    full = false;
    await waitFor('the result acknowledged once stored', () => srv.framesOf('ACK').length === 1, 10_000);
    expect(taken).toEqual([ref, ref, ref]);
    // Every listener is offered the result again: each must take a repeat as nothing new.
    expect(other).toEqual([ref, ref, ref]);
  });

  it('acknowledges a result whose listener fails for good, after logging it', async () => {
    const { srv, core } = await started();
    core.onResult(() => {
      throw new Error('a bug');
    });
    const result = makeEnvelope('result', 'r-0001', { ref: crypto.randomUUID(), state: 'delivered' });
    srv.deliver('/queue/smt.console.lab-console.result', JSON.stringify(result), { JMSXUserID: 'r-0001' });
    await waitFor('the result acknowledged', () => srv.framesOf('ACK').length === 1);
  });

  it('hands results that arrive together to its listeners as one batch, and acks them after', async () => {
    const { srv, core } = await started();
    const acksWhenHeard: number[] = [];
    const batches: string[][] = [];
    core.onResults((results) => {
      acksWhenHeard.push(srv.framesOf('ACK').length);
      batches.push(results.map((r) => r.from));
    });
    const one: string[] = [];
    core.onResult((r) => void one.push(r.from));
    for (const rid of ['r-0001', 'r-0002', 'r-0003']) {
      const env = makeEnvelope('result', rid, { ref: crypto.randomUUID(), state: 'applied' });
      srv.deliver('/queue/smt.console.lab-console.result', JSON.stringify(env), { JMSXUserID: rid });
    }
    srv.deliver('/queue/smt.console.lab-console.result', 'garbage', { JMSXUserID: 'r-0004' });
    await waitFor('every result acked, the bad one too', () => srv.framesOf('ACK').length === 4);
    // Frames written together arrive in one read: one batch, and no ack before its listeners ran.
    expect(batches).toEqual([['r-0001', 'r-0002', 'r-0003']]);
    expect(acksWhenHeard).toEqual([0]);
    expect(one).toEqual(['r-0001', 'r-0002', 'r-0003']);
  });
});
