import { afterEach } from 'vitest';
import type { ConnState } from '../../../src-shared/connection/machine';
import type { TlsMaterial } from '../../tls';
import { SmtConnection, type SmtConnectionOptions } from '../connection';
import { FakeStompServer, plainTransport } from './fake-stomp-server';
import { waitFor } from './wait';

const noTls: TlsMaterial = { ca: '', cert: '', key: '', subjectCn: 'test', notAfter: new Date(0) };

/**
 * SmtConnections against fake STOMP servers with short heart-beats and timeouts, for the tests of the
 * connection, its sessions and its send groups; all stopped and closed after each test.
 */
export function connectionHarness() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function server(opts: ConstructorParameters<typeof FakeStompServer>[0] = {}) {
    const s = await new FakeStompServer({ heartbeatMs: 200, ...opts }).listen();
    cleanups.push(() => s.close());
    return s;
  }

  function connection(brokers: SmtConnectionOptions['brokers'], extra: Partial<SmtConnectionOptions> = {}) {
    const conn = new SmtConnection({
      name: 'test',
      brokers,
      tls: noTls,
      transport: plainTransport,
      heartbeat: { sendMs: 200, expectMs: 200, graceMs: 100 },
      connectTimeoutMs: 2000,
      random: () => 0.5,
      ...extra,
    });
    const states: ConnState[] = [];
    conn.onState((s) => states.push(s));
    cleanups.push(() => conn.stop(200));
    return { conn, states };
  }

  const connected = (conn: SmtConnection) => waitFor('connected', () => conn.state.kind === 'connected');

  /** A port nothing listens on: what a dead broker looks like. */
  async function deadEndpoint() {
    const s = await new FakeStompServer().listen();
    const ep = s.endpoint('primary');
    await s.close();
    return ep;
  }

  return { server, connection, connected, deadEndpoint };
}
