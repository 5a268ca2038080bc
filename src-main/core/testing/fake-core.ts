import { generateKeyPairSync } from 'node:crypto';
import type { ConnectionStatus, FleetPatch } from '../../../src-shared/ipc/views';
import type { ConfigSigner } from '../../../src-node/crypto/config-signature';
import { FakeStompServer, plainTransport } from '../../../src-node/smt/testing/fake-stomp-server';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { ConsoleCore, type ConsoleCoreOptions } from '../console-core';

/** A signing key with a made-up certificate fingerprint: the fake broker checks nothing. */
export const testSigner = (): ConfigSigner => ({
  alg: 'ES256',
  signer: 'ab'.repeat(32),
  key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
});

export interface FakeCore {
  srv: FakeStompServer;
  core: ConsoleCore;
  patches: FleetPatch[];
  states: ConnectionStatus[];
  /** Stops the core, then the fake broker. */
  stop(): Promise<void>;
}

/**
 * A console core connected over plain TCP to a fake STOMP broker, for unit tests of what the core does
 * with frames; `beforeStart` hooks things to the core before it connects, as the app does.
 */
/** The fake core's reply session: its reply queue is destinations.consoleReply('lab-console', this). */
export const fakeReplySession = 'fakesession0';

export async function startFakeCore(
  opts: {
    signer?: ConfigSigner;
    beforeStart?: (core: ConsoleCore) => void;
    core?: Pick<ConsoleCoreOptions, 'liveRate' | 'log' | 'replySession'>;
  } = { signer: testSigner() },
): Promise<FakeCore> {
  const srv = await new FakeStompServer({ heartbeatMs: 500 }).listen();
  const core = new ConsoleCore({
    signer: opts.signer,
    profile: {
      name: 'Fake',
      consoleId: 'lab-console',
      brokers: [srv.endpoint('primary')],
      tls: { caFile: 'unused', certFile: 'unused', keyFile: 'unused' },
    },
    tls: { ca: '', cert: '', key: '', subjectCn: 'lab-console', notAfter: new Date(0) },
    connection: { transport: plainTransport },
    patchIntervalMs: 50,
    relearn: { helloGraceMs: 0 },
    replySession: fakeReplySession,
    ...opts.core,
  });
  const patches: FleetPatch[] = [];
  const states: ConnectionStatus[] = [];
  core.subscribe('fleetPatch', (p) => void patches.push(p));
  core.subscribe('connectionChanged', (s) => void states.push(s));
  opts.beforeStart?.(core);
  const stop = async () => {
    await core.stop();
    await srv.close();
  };
  try {
    await core.start();
    await waitFor('connected', () => core.connectionStatus().state.kind === 'connected');
  } catch (e) {
    await stop();
    throw e;
  }
  return { srv, core, patches, states, stop };
}
